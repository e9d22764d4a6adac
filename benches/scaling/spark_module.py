#!/usr/bin/env python3
"""demarche as a Spark map step through the Python module: mapPartitions parses each
partition's lines (JSON Lines articles) and classifies them with `demarche.Pack.classify_many`
in the Python worker, instead of piping them to the binary (spark_pipe.py). The output is then
checked equal to `demarche classify --format jsonl CORPUS`, line for line after parsing.

Usage: spark_module.py CORPUS.jsonl OUT_DIR [--master local[2]] [--partitions N] [--demarche PATH]

Needs `pip install pyspark` (Java 17) and the module on every executor
(`pip install ./crates/python`, or ship the wheel from `pip wheel ./crates/python`). One
Spark task runs per core, so each partition classifies on one thread (jobs=1); the engine
releases the GIL, and the rule pack is compiled once per Python worker. See docs/python.md.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

from pyspark import SparkConf, SparkContext

_PACK = None


def classify_partition(lines):
    """Lines of one partition in, one JSON Lines result per line out, in order."""
    global _PACK
    import demarche

    if _PACK is None:
        _PACK = demarche.Pack()

    # input="jsonl": the lines are parsed in Rust; output="json": each result's line as the
    # CLI writes it.
    yield from _PACK.classify_many(lines, jobs=1, input="jsonl", output="json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out_dir")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--demarche", default="demarche", help="the CLI, for the check")
    args = ap.parse_args()

    # Python workers run this interpreter, where the module is installed (locally; on a
    # cluster, the executors' Python must have it).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = SparkConf().setMaster(args.master).setAppName("demarche-classify-module")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    shutil.rmtree(args.out_dir, ignore_errors=True)

    start = time.perf_counter()
    articles = sc.textFile(args.corpus, minPartitions=args.partitions)
    articles.mapPartitions(classify_partition).saveAsTextFile(args.out_dir)
    seconds = time.perf_counter() - start
    partitions = articles.getNumPartitions()
    sc.stop()

    # Check: the parts, in name order, are the CLI's output on the whole corpus.
    got = []
    for part in sorted(glob.glob(os.path.join(args.out_dir, "part-*"))):
        with open(part, encoding="utf-8") as f:
            got.extend(json.loads(line) for line in f)
    demarche = shutil.which(args.demarche) or args.demarche
    cli = subprocess.run([demarche, "classify", "--format", "jsonl", args.corpus],
                         capture_output=True, text=True)
    want = [json.loads(line) for line in cli.stdout.splitlines()]
    same = got == want
    print(json.dumps({
        "master": args.master,
        "partitions": partitions,
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
