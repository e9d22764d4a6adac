#!/usr/bin/env python3
"""demarche as a Spark map step: RDD.pipe sends each partition's lines (JSON Lines articles)
to one `demarche classify --format jsonl --input-format jsonl -` process and reads its output
lines back. (`--input-format jsonl`: an empty partition must give no line, where `auto` would
read empty stdin as one empty text article.)

Usage: spark_pipe.py CORPUS.jsonl OUT_DIR [--master local[2]] [--partitions N] [--demarche PATH]

Tested locally with `pip install pyspark` (Java 17) and master local[2]; on a cluster, the
binary must be on every executor (ship it with --files / SparkContext.addFile, or install it in
the image) and CORPUS / OUT_DIR are shared paths (HDFS, S3, ...). See docs/scaling.md.
"""

import argparse
import glob
import json
import os
import shutil
import time

from pyspark import SparkConf, SparkContext


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out_dir")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=None,
                    help="input partitions (default: Spark's, about one per 32-128 MB block)")
    ap.add_argument("--demarche", default="demarche")
    args = ap.parse_args()

    conf = SparkConf().setMaster(args.master).setAppName("demarche-classify")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    shutil.rmtree(args.out_dir, ignore_errors=True)

    start = time.perf_counter()
    articles = sc.textFile(args.corpus, minPartitions=args.partitions)
    # One demarche process per partition. checkCode=True fails the task (and Spark retries it)
    # when demarche exits non-zero: exit 2 means a record could not be read, and its output line
    # carries an "error" object. Leave checkCode off to keep going and filter those lines.
    # An absolute path: Spark's Python workers need not have the driver's PATH.
    demarche = shutil.which(args.demarche) or args.demarche
    command = f"{demarche} classify --format jsonl --input-format jsonl -"
    results = articles.pipe(command, checkCode=True)
    results.saveAsTextFile(args.out_dir)
    seconds = time.perf_counter() - start

    # Checks: one output line per input line, the same ids in the same order. Order within a
    # partition is kept, and part-00000, part-00001, ... are the partitions in order; read them
    # in sorted name order (a directory listing, Spark's own included, need not be sorted).
    ids_in = articles.map(lambda l: json.loads(l)["id"]).collect()
    ids_out, statements = [], 0
    for part in sorted(glob.glob(os.path.join(args.out_dir, "part-*"))):
        with open(part, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                ids_out.append(rec["id"])
                statements += len(rec["statements"])
    print(json.dumps({
        "master": args.master,
        "partitions": articles.getNumPartitions(),
        "articles_in": len(ids_in),
        "articles_out": len(ids_out),
        "same_ids_in_order": ids_in == ids_out,
        "statements": statements,
        "seconds": round(seconds, 2),
    }))
    sc.stop()
    if ids_in != ids_out:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
