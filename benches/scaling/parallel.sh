#!/usr/bin/env bash
# Shards a JSON Lines corpus with GNU parallel and runs `demarche classify --format jsonl` on
# each shard, output in input order; then checks that every article came out once, in order.
# See docs/scaling.md. `--input-format jsonl`: an empty block must give no output line, where
# `auto` reads empty stdin as one empty text article.
#
# Usage: benches/scaling/parallel.sh CORPUS.jsonl OUT.jsonl [JOBS] [BLOCK]
#   JOBS   concurrent demarche processes (default: nproc)
#   BLOCK  bytes of input per shard for --pipe (default 10M); records are never cut
# Environment: DEMARCHE=path/to/demarche (default: demarche on PATH),
#   MODE=pipepart (default: parallel reads the file's blocks itself; fastest)
#        | pipe   (the corpus through parallel's stdin, as a stream from zcat or curl would be)
#        | files  (split into JOBS shard files first)
set -euo pipefail
corpus=$1 out=$2 jobs=${3:-$(nproc)} block=${4:-10M}
demarche=${DEMARCHE:-demarche}
mode=${MODE:-pipepart}
# HALT="--halt now,fail=1" stops every shard at the first one that fails; by default all shards
# run to the end and the exit status counts the failed ones.
halt=()
if [[ -n ${HALT:-} ]]; then read -ra halt <<<"$HALT"; fi
command -v parallel >/dev/null || { echo "GNU parallel missing: apt-get install -y parallel" >&2; exit 2; }

status=0
case $mode in
pipepart)
    # --pipe-part -a FILE: each job reads its block of about BLOCK bytes straight from the
    # file, cut at line ends; the parent process does not copy the data. -k keeps input order.
    parallel --pipe-part -a "$corpus" --block "$block" -k -j "$jobs" "${halt[@]}" \
        "$demarche" classify --format jsonl --input-format jsonl - >"$out" || status=$?
    ;;
pipe)
    # --pipe cuts stdin into blocks of about BLOCK bytes at line ends (a record is one line)
    # and writes each block into a job's stdin itself, so it is slower than --pipe-part: use
    # it for streams. -k writes the blocks' outputs in input order.
    parallel --pipe --block "$block" -k -j "$jobs" "${halt[@]}" \
        "$demarche" classify --format jsonl --input-format jsonl - <"$corpus" >"$out" || status=$?
    ;;
files)
    # Shards on disk: split by lines into JOBS files (no record is cut), one demarche per file,
    # outputs concatenated in shard order by -k.
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    split -n "l/$jobs" -d -a 4 --additional-suffix=.jsonl "$corpus" "$dir/shard-"
    parallel -k -j "$jobs" "${halt[@]}" \
        "$demarche" classify --format jsonl --input-format jsonl {} ::: "$dir"/shard-*.jsonl >"$out" || status=$?
    ;;
*) echo "MODE must be pipepart, pipe or files" >&2; exit 2 ;;
esac
# parallel's exit status: 0 all shards succeeded; 1-100 that many failed; 101 more than 100
# failed; 255 other error. demarche gives 2 when an input record could not be read (its output
# line still holds an `error`), so a non-zero status here means: look for "error" records.
if ((status != 0)); then
    echo "parallel: exit $status (failed shards, or demarche exit 2 on bad records)" >&2
fi

# Count in = count out, and each record's id in the same place (a line that is not JSON in the
# input comes out as an error record with the id `<stdin>:LINE`, LINE counted in its shard).
python3 - "$corpus" "$out" <<'PY' || exit 1
import json, sys

def ids(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                try:
                    out.append(str(json.loads(line).get("id")))
                except ValueError:
                    out.append(None)
    return out

a, b = ids(sys.argv[1]), ids(sys.argv[2])
bad = sum(1 for x, y in zip(a, b) if x is not None and x != "None" and x != y)
errors = 0
with open(sys.argv[2], encoding="utf-8") as f:
    errors = sum(1 for line in f if line.strip() and json.loads(line).get("error"))
if len(a) != len(b) or bad:
    sys.exit(f"MISMATCH: {len(a)} articles in, {len(b)} out, {bad} ids out of place")
print(f"ok: {len(a)} articles in, {len(b)} out, ids in input order; {errors} error records",
      file=sys.stderr)
PY
exit "$status"
