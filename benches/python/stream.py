#!/usr/bin/env python3
"""Streams a JSON Lines corpus through `demarche.Pack.classify_many`, as a notebook or a Spark
task would: read a line, parse it with json.loads, hand the dict over (with `--input jsonl`:
hand the line's bytes over, for the workers to parse), and take each result:
with `--output dict` a dict whose statements are counted; with `--output json` its JSON Lines
line (byte for byte the CLI's), whose length is summed. Nothing is written: this times
classify_many itself, as the CLI is timed writing to /dev/null. Prints one JSON object to
stderr: articles, statements (dict) or output bytes (json), seconds, MB/s, and the CPU
seconds of the thread that iterates (the Python side's share).

Usage: stream.py CORPUS.jsonl [--jobs 2] [--input records|jsonl] [--output dict|json]
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
    ap.add_argument("--input", choices=["records", "jsonl"], default="records",
                    help="records: json.loads in Python, dicts in; jsonl: the file's lines in")
    args = ap.parse_args()
    pack = demarche.Pack()
    start = time.perf_counter()
    articles = statements = errors = 0
    if args.input == "jsonl":
        source = open(args.corpus, "rb")  # lines as bytes, parsed by the workers
    else:
        source = records(args.corpus)
    results = pack.classify_many(source, jobs=args.jobs, input=args.input, output=args.output)
    out_chars = 0
    main_cpu = time.thread_time()
    if args.output == "json":
        for line in results:
            articles += 1
            out_chars += len(line) + 1
    else:
        for result in results:
            articles += 1
            statements += len(result["statements"])
            errors += result["error"] is not None
    seconds = time.perf_counter() - start
    main_cpu = time.thread_time() - main_cpu
    mb = os.path.getsize(args.corpus) / 1e6
    print(json.dumps({
        "input": args.input,
        "output": args.output,
        "articles": articles,
        "statements": statements,
        "output_chars": out_chars,
        "iterating_thread_cpu_s": round(main_cpu, 2),
        "process_cpu_s": round(time.process_time(), 2),
        "errors": errors,
        "seconds": round(seconds, 2),
        "mb_per_s": round(mb / seconds, 1),
    }), file=sys.stderr)


if __name__ == "__main__":
    main()
