#!/usr/bin/env python3
"""Streams a JSON Lines corpus through `demarche.Pack.classify_many`, as a notebook or a Spark
task would: read a line, parse it with json.loads, hand the dict over, and take each result:
with `--output dict` a dict whose statements are counted; with `--output json` its JSON Lines
line, written to stdout as the CLI writes it. Prints one JSON object to stderr: articles,
statements (dict only), seconds, MB/s.

Usage: stream.py CORPUS.jsonl [--jobs 2] [--output dict|json]   (run by benches/python/run.sh)
"""

import argparse
import json
import os
import sys
import time

import demarche


def records(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--output", choices=["dict", "json"], default="dict")
    args = ap.parse_args()
    pack = demarche.Pack()
    start = time.perf_counter()
    articles = statements = errors = 0
    results = pack.classify_many(records(args.corpus), jobs=args.jobs, output=args.output)
    if args.output == "json":
        out = sys.stdout
        for line in results:
            articles += 1
            out.write(line)
            out.write("\n")
        out.flush()
    else:
        for result in results:
            articles += 1
            statements += len(result["statements"])
            errors += result["error"] is not None
    seconds = time.perf_counter() - start
    mb = os.path.getsize(args.corpus) / 1e6
    print(json.dumps({
        "output": args.output,
        "articles": articles,
        "statements": statements,
        "errors": errors,
        "seconds": round(seconds, 2),
        "mb_per_s": round(mb / seconds, 1),
    }), file=sys.stderr)


if __name__ == "__main__":
    main()
