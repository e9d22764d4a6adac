#!/usr/bin/env bash
# Times `demarche.Pack.classify_many` (benches/python/stream.py: JSON Lines read and parsed in
# Python, dicts in, result dicts out; then the file's lines in, parsed by the workers, result
# dicts out; then each with JSON Lines lines out) against `demarche classify --format jsonl
# --jobs N` on the same generated corpus, and the module's peak RSS on a large corpus streamed
# from a file.
# The targets of issue 15: >= 90 % of the CLI's throughput on two cores; peak RSS <= 128 MiB
# for 1 GB. Prints a Markdown table; reports, never fails on a figure.
#
# Usage: benches/python/run.sh
#
# Environment:
#   SIZE_MB=100      the corpus of the throughput runs (MB, 10^6 bytes)
#   LARGE_MB=1000    the corpus of the memory run (0: skip)
#   JOBS=2           --jobs of the CLI, jobs= of classify_many
#   SEED=1           corpus seed
#   WORK=/tmp/demarche-bench   corpora and logs (shared with benches/run.sh)
#   PYTHON=python3   a Python where `import demarche` works (pip install ./crates/python)
#
# Needs: cargo, GNU time (/usr/bin/time), the module installed in $PYTHON.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZE_MB=${SIZE_MB:-100}
LARGE_MB=${LARGE_MB:-1000}
JOBS=${JOBS:-2}
SEED=${SEED:-1}
WORK=${WORK:-${TMPDIR:-/tmp}/demarche-bench}
PYTHON=${PYTHON:-python3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$WORK"

"$PYTHON" -c 'import demarche' || { echo "no demarche module in $PYTHON: pip install ./crates/python" >&2; exit 2; }
/usr/bin/time -v true 2>/dev/null || { echo "GNU time missing: apt-get install -y time" >&2; exit 2; }
(cd "$ROOT" && cargo build --release --quiet -p demarche -p demarche-bench)
BIN=$CARGO_TARGET_DIR/release/demarche
BENCH=$CARGO_TARGET_DIR/release/demarche-bench

corpus() { # MB -> a cached corpus of that size (the file names of benches/run.sh)
    local f="$WORK/corpus-${1}mb-seed$SEED.jsonl"
    if [[ ! -s $f ]]; then
        echo "== corpus: $1 MB, seed $SEED -> $f" >&2
        "$BENCH" corpus --mb "$1" --seed "$SEED" >"$f.part" && mv "$f.part" "$f"
    fi
    echo "$f"
}

# measure NAME CMD...: wall seconds and peak RSS (MiB) of CMD, stdout to /dev/null.
measure() {
    local name=$1 log="$WORK/time-py-$1.txt"
    shift
    /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$WORK/err-py-$name.txt"
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$log")
    echo "$wall $rss"
}

row() { # NAME MB WALL RSS
    printf '| %s | %s | %.2f | %.1f | %s |\n' "$1" "$2" "$3" "$(awk -v mb="$2" -v s="$3" 'BEGIN { print mb / s }')" "$4"
}

CORPUS=$(corpus "$SIZE_MB")
MB=$(awk -v b="$(stat -L -c %s "$CORPUS")" 'BEGIN { printf "%.1f", b / 1e6 }')
read -r cli_s cli_rss < <(measure cli "$BIN" classify --format jsonl --jobs "$JOBS" "$CORPUS")
read -r py_s py_rss < <(measure module "$PYTHON" "$ROOT/benches/python/stream.py" --jobs "$JOBS" "$CORPUS")
read -r pd_s pd_rss < <(measure module-lines-dict "$PYTHON" "$ROOT/benches/python/stream.py" --jobs "$JOBS" --input jsonl "$CORPUS")
read -r pj_s pj_rss < <(measure module-json "$PYTHON" "$ROOT/benches/python/stream.py" --jobs "$JOBS" --output json "$CORPUS")
read -r pl_s pl_rss < <(measure module-lines "$PYTHON" "$ROOT/benches/python/stream.py" --jobs "$JOBS" --input jsonl --output json "$CORPUS")

echo "| run | MB | seconds | MB/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
row "\`demarche classify --format jsonl --jobs $JOBS\`" "$MB" "$cli_s" "$cli_rss"
row "\`classify_many(dicts, jobs=$JOBS)\`, result dicts" "$MB" "$py_s" "$py_rss"
row "\`classify_many(open(f, \"rb\"), jobs=$JOBS, input=\"jsonl\")\`, result dicts" "$MB" "$pd_s" "$pd_rss"
row "\`classify_many(dicts, jobs=$JOBS, output=\"json\")\`" "$MB" "$pj_s" "$pj_rss"
row "\`classify_many(open(f, \"rb\"), jobs=$JOBS, input=\"jsonl\", output=\"json\")\`" "$MB" "$pl_s" "$pl_rss"
if [[ $LARGE_MB != 0 ]]; then
    LARGE=$(corpus "$LARGE_MB")
    LMB=$(awk -v b="$(stat -L -c %s "$LARGE")" 'BEGIN { printf "%.1f", b / 1e6 }')
    read -r l_s l_rss < <(measure module-large "$PYTHON" "$ROOT/benches/python/stream.py" --jobs "$JOBS" "$LARGE")
    row "\`classify_many\`, result dicts, ${LARGE_MB} MB streamed from a file" "$LMB" "$l_s" "$l_rss"
fi
echo
awk -v c="$cli_s" -v p="$py_s" 'BEGIN { printf "module / CLI throughput, result dicts: %.1f %% (target >= 90 %%)\n", 100 * c / p }'
awk -v c="$cli_s" -v p="$pd_s" 'BEGIN { printf "module / CLI throughput, input=\"jsonl\", result dicts: %.1f %% (target >= 90 %%)\n", 100 * c / p }'
awk -v c="$cli_s" -v p="$pj_s" 'BEGIN { printf "module / CLI throughput, dicts in, output=\"json\": %.1f %% (target >= 90 %%)\n", 100 * c / p }'
awk -v c="$cli_s" -v p="$pl_s" 'BEGIN { printf "module / CLI throughput, input=\"jsonl\", output=\"json\": %.1f %% (target >= 90 %%)\n", 100 * c / p }'
cpu() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$WORK/time-py-$1.txt"; }
echo "CPU seconds (user + system): CLI $(cpu cli), result dicts $(cpu module), jsonl in + result dicts $(cpu module-lines-dict), dicts in + json out $(cpu module-json), jsonl in + json out $(cpu module-lines)"
ratio() { awk -v c="$(cpu cli)" -v p="$(cpu "$1")" 'BEGIN { printf "%.1f %%", 100 * c / p }'; }
echo "CLI's CPU / module's CPU (steadier than wall clock on a loaded machine): result dicts $(ratio module), jsonl in + result dicts $(ratio module-lines-dict), dicts in + json out $(ratio module-json), jsonl in + json out $(ratio module-lines)"
echo "the Python side: $(cat "$WORK/err-py-module.txt")"
echo "                 $(cat "$WORK/err-py-module-lines-dict.txt")"
echo "                 $(cat "$WORK/err-py-module-json.txt")"
echo "                 $(cat "$WORK/err-py-module-lines.txt")"
[[ $LARGE_MB != 0 ]] && echo "peak RSS, ${LARGE_MB} MB streamed: $l_rss MiB (target <= 128)"
echo "machine: $(nproc) cores, $(awk '/model name/ { $1 = $2 = $3 = ""; print; exit }' /proc/cpuinfo | sed 's/^ *//'); logs: $WORK/time-py-*.txt"
