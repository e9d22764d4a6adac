#!/usr/bin/env python3
"""demarche as a Ray map step through the Python module: ray.data reads the JSON Lines corpus
as lines, and map_batches classifies each batch with `demarche.Pack.classify_many` in the
worker, instead of piping it to the binary (ray_map.py). The results are written back as
JSON Lines in input order and checked equal to `demarche classify --format jsonl CORPUS`, line
for line after parsing.

Usage: ray_module.py CORPUS.jsonl OUT_DIR [--cpus 2] [--batch 500] [--demarche PATH]

Needs `pip install "ray[data]"` and the module on every node (`pip install ./crates/python`,
or the wheel in the runtime_env). See docs/python.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import time

import ray


_PACK = None


def classify(batch):
    """One batch of lines in, the same number of JSON Lines results out, in order. The rule
    pack is compiled once per Ray worker process (tasks reuse their workers)."""
    global _PACK
    import demarche

    if _PACK is None:
        _PACK = demarche.Pack()
    lines = list(batch["text"])
    # input="jsonl": the workers parse the lines; output="json": each result's line as the
    # CLI writes it.
    out = list(_PACK.classify_many(lines, jobs=1, input="jsonl", output="json"))
    if len(out) != len(lines):
        raise RuntimeError(f"{len(lines)} articles in, {len(out)} out")
    return {"text": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out_dir")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--batch", type=int, default=500, help="articles per batch")
    ap.add_argument("--demarche", default="demarche", help="the CLI, for the check")
    args = ap.parse_args()

    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # output in input order
    shutil.rmtree(args.out_dir, ignore_errors=True)
    os.makedirs(args.out_dir)

    start = time.perf_counter()
    ds = ray.data.read_text(os.path.abspath(args.corpus))
    out = ds.map_batches(classify, batch_size=args.batch, batch_format="pandas", num_cpus=1)
    path = os.path.join(args.out_dir, "classified.jsonl")
    got = []
    with open(path, "w", encoding="utf-8") as f:
        for row in out.iter_rows():
            got.append(json.loads(row["text"]))
            f.write(row["text"] + "\n")
    seconds = time.perf_counter() - start
    ray.shutdown()

    demarche = shutil.which(args.demarche) or args.demarche
    cli = subprocess.run([demarche, "classify", "--format", "jsonl", args.corpus],
                         capture_output=True, text=True)
    want = [json.loads(line) for line in cli.stdout.splitlines()]
    same = got == want
    print(json.dumps({
        "cpus": args.cpus,
        "batch": args.batch,
        "articles_out": len(got),
        "cli_articles": len(want),
        "equal_to_cli": same,
        "statements": sum(len(r["statements"]) for r in got),
        "seconds": round(seconds, 2),
    }))
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
