#!/usr/bin/env python3
"""demarche as a Ray map step: ray.data reads the JSON Lines corpus as lines, map_batches
pipes each batch of lines through one `demarche classify --format jsonl --input-format jsonl -`
process, and the results are written back as JSON Lines, in input order.

Usage: ray_map.py CORPUS.jsonl OUT_DIR [--cpus 2] [--batch 500] [--demarche PATH]

Tested locally with `pip install "ray[data]"` and ray.init(num_cpus=2). On a cluster, the binary
must be on every node (runtime_env, or the image) and the paths shared. See docs/scaling.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import time

import ray


def classify(batch, demarche):
    """One demarche process per batch: lines in, the same number of lines out, same order."""
    lines = list(batch["text"])
    proc = subprocess.run(
        [demarche, "classify", "--format", "jsonl", "--input-format", "jsonl", "-"],
        input="\n".join(lines) + "\n", capture_output=True, text=True)
    # exit 2: some record could not be read; its output line has an "error" object. Any other
    # non-zero exit (rules, usage) is a failure of the whole batch: raise, and Ray retries it.
    if proc.returncode not in (0, 2):
        raise RuntimeError(f"demarche exit {proc.returncode}: {proc.stderr[:500]}")
    out = proc.stdout.splitlines()
    if len(out) != len(lines):
        raise RuntimeError(f"{len(lines)} articles in, {len(out)} out")
    return {"text": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out_dir")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--batch", type=int, default=500, help="articles per demarche process")
    ap.add_argument("--demarche", default="demarche")
    args = ap.parse_args()
    demarche = shutil.which(args.demarche) or args.demarche

    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # output in input order
    shutil.rmtree(args.out_dir, ignore_errors=True)
    os.makedirs(args.out_dir)

    start = time.perf_counter()
    ds = ray.data.read_text(os.path.abspath(args.corpus))
    out = ds.map_batches(classify, fn_kwargs={"demarche": demarche},
                         batch_size=args.batch, batch_format="pandas", num_cpus=1)
    path = os.path.join(args.out_dir, "classified.jsonl")
    n_out = statements = 0
    ids_out = []
    with open(path, "w", encoding="utf-8") as f:
        for row in out.iter_rows():
            rec = json.loads(row["text"])
            ids_out.append(rec["id"])
            statements += len(rec["statements"])
            f.write(row["text"] + "\n")
            n_out += 1
    seconds = time.perf_counter() - start

    with open(args.corpus, encoding="utf-8") as f:
        ids_in = [json.loads(l)["id"] for l in f if l.strip()]
    print(json.dumps({
        "cpus": args.cpus,
        "batch": args.batch,
        "articles_in": len(ids_in),
        "articles_out": n_out,
        "same_ids_in_order": ids_in == ids_out,
        "statements": statements,
        "seconds": round(seconds, 2),
    }))
    ray.shutdown()
    if ids_in != ids_out:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
