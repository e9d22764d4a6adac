#!/usr/bin/env bash
# Times `demarche classify --format jsonl` against ripgrep and Python baselines on one generated
# corpus, and checks the figures against the targets of issue 5. See docs/performance.md.
#
# Usage: benches/run.sh            (from anywhere; builds release, writes under $WORK)
#
# Environment:
#   SIZE_MB=100         corpus size, MB (10^6 bytes)
#   SEED=1              corpus seed (same seed, same bytes)
#   WORK=/tmp/demarche-bench   where corpora, packs, outputs and time logs go (not the repo)
#   SMALL_MB=10         size of the small corpus of the memory check (0: skip)
#   LARGE_MB=           size of an extra large run for the memory check, e.g. 1000 (slow; off)
#   TIMES=10            the scaled pack's size, in default packs (0: skip that run)
#   SPACY_MB=           MB of the corpus given to spaCy's PhraseMatcher (default: all of it)
#   LEMMA_MB=5          MB given to spaCy's lemma Matcher (about 0.1-0.3 MB/s; 0: skip)
#   RE_MB=10            MB given to Python `re` (0: skip)
#   JOBS2=2             the --jobs value of the parallel run
#   DEMARCHE=           a demarche binary to time instead of building this tree's
#
# Needs: cargo, GNU time (/usr/bin/time, Debian package `time`), python3. Optional: ripgrep
# (`rg`), spaCy (pip install spacy spacy-lookups-data). Installs nothing; says what is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE_MB=${SIZE_MB:-100}
SEED=${SEED:-1}
WORK=${WORK:-${TMPDIR:-/tmp}/demarche-bench}
SMALL_MB=${SMALL_MB:-10}
LARGE_MB=${LARGE_MB:-}
TIMES=${TIMES:-10}
SPACY_MB=${SPACY_MB:-$SIZE_MB}
LEMMA_MB=${LEMMA_MB:-5}
RE_MB=${RE_MB:-10}
JOBS2=${JOBS2:-2}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$WORK"

# ---- what is there -------------------------------------------------------------------------
missing=()
command -v cargo >/dev/null || missing+=("cargo (rustup, stable)")
if ! /usr/bin/time -v true 2>/dev/null; then missing+=("GNU time: apt-get install -y time"); fi
command -v python3 >/dev/null || missing+=("python3")
if ((${#missing[@]})); then
    printf 'missing (required): %s\n' "${missing[@]}" >&2
    exit 2
fi
HAVE_RG=1
command -v rg >/dev/null || { HAVE_RG=0; echo "note: ripgrep missing (apt-get update && apt-get install -y ripgrep): its row and ratio are skipped" >&2; }
HAVE_SPACY=1
python3 -c 'import spacy' 2>/dev/null || { HAVE_SPACY=0; echo "note: spaCy missing (pip install spacy spacy-lookups-data): its rows are skipped" >&2; }
HAVE_LOOKUPS=1
python3 -c 'import spacy_lookups_data' 2>/dev/null || { HAVE_LOOKUPS=0; [[ $HAVE_SPACY == 1 ]] && echo "note: spacy-lookups-data missing (pip install spacy-lookups-data): the lemma row is skipped" >&2; }

# ---- build ---------------------------------------------------------------------------------
echo "== build (release) into $CARGO_TARGET_DIR" >&2
(cd "$ROOT" && cargo build --release --quiet -p demarche -p demarche-bench)
BIN=${DEMARCHE:-$CARGO_TARGET_DIR/release/demarche}
BENCH=$CARGO_TARGET_DIR/release/demarche-bench
JOBS_FLAG=0
if "$BIN" classify --help | grep -q -- '--jobs'; then JOBS_FLAG=1; fi

# ---- inputs --------------------------------------------------------------------------------
corpus() { # MB -> path of a cached corpus of that size and seed
    local f="$WORK/corpus-${1}mb-seed$SEED.jsonl"
    if [[ ! -s $f ]]; then
        echo "== corpus: $1 MB, seed $SEED -> $f" >&2
        "$BENCH" corpus --mb "$1" --seed "$SEED" >"$f.part" && mv "$f.part" "$f"
    fi
    echo "$f"
}
head_mb() { # FILE MB -> the first whole lines of FILE holding at least MB MB
    local out="${1%.jsonl}.head${2}mb.jsonl"
    if (($(stat -c %s "$1") <= $2 * 1000000)); then echo "$1"; return; fi
    [[ -s $out ]] || LC_ALL=C awk -v max="$(($2 * 1000000))" '{ s += length($0) + 1; print } s >= max { exit }' "$1" >"$out"
    echo "$out"
}
CORPUS=$(corpus "$SIZE_MB")
"$BENCH" phrases >"$WORK/phrases.txt" 2>"$WORK/phrases.log"
PACK="$WORK/pack-x$TIMES"
if [[ $TIMES != 0 && ! -d $PACK ]]; then
    "$BENCH" rules --times "$TIMES" --out "$PACK" 2>"$WORK/pack.log"
fi

# ---- measuring -----------------------------------------------------------------------------
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
# measure NAME INPUT OUTPUT CMD...: runs CMD under /usr/bin/time -v, stdout to OUTPUT, and
# appends NAME, MB, wall s, CPU s, peak RSS KiB, exit code to results.tsv
measure() {
    local name=$1 input=$2 output=$3
    shift 3
    local log="$WORK/time-$name.txt" code=0
    echo "== $name: $*" >&2
    /usr/bin/time -v -o "$log" "$@" >"$output" || code=$?
    local bytes wall user sys rss
    bytes=$(stat -c %s "$input")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
    user=$(awk -F': ' '/User time/ { print $2 }' "$log")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$bytes" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$rss" "$code" >>"$RESULTS"
}
jobs_arg() { if [[ $JOBS_FLAG == 1 ]]; then echo "--jobs $1"; fi; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')

if [[ $HAVE_RG == 1 ]]; then
    # `rg -c` counts matching lines: with one article per line it may move on to the next
    # line at the first phrase of each, so it reads little of the text. The ratio is taken
    # against `--count-matches`, which finds every phrase occurrence, as demarche must.
    measure rg-c "$CORPUS" "$WORK/out-rg-c.txt" rg -i -F -c -f "$WORK/phrases.txt" "$CORPUS"
    measure rg "$CORPUS" "$WORK/out-rg.txt" rg -i -F --count-matches -f "$WORK/phrases.txt" "$CORPUS"
fi
# shellcheck disable=SC2046 # $(jobs_arg N) is meant to split into two words
measure demarche-j1 "$CORPUS" "$WORK/out-j1.jsonl" "$BIN" classify --format jsonl $(jobs_arg 1) "$CORPUS"
if [[ $JOBS_FLAG == 1 ]]; then
    measure "demarche-j$JOBS2" "$CORPUS" "$WORK/out-j$JOBS2.jsonl" "$BIN" classify --format jsonl --jobs "$JOBS2" "$CORPUS"
else
    echo "note: this demarche has no --jobs: the two-thread row is skipped" >&2
fi
if [[ $TIMES != 0 ]]; then
    # shellcheck disable=SC2046
    measure "demarche-x$TIMES-rules" "$CORPUS" "$WORK/out-x$TIMES.jsonl" "$BIN" classify --format jsonl --rules "$PACK" $(jobs_arg 1) "$CORPUS"
fi
if [[ $HAVE_SPACY == 1 ]]; then
    measure spacy-phrase "$(head_mb "$CORPUS" "$SPACY_MB")" "$WORK/out-spacy-phrase.json" \
        python3 "$ROOT/benches/spacy_baseline.py" phrase "$WORK/phrases.txt" "$(head_mb "$CORPUS" "$SPACY_MB")"
    if [[ $HAVE_LOOKUPS == 1 && $LEMMA_MB != 0 ]]; then
        measure spacy-lemma "$(head_mb "$CORPUS" "$LEMMA_MB")" "$WORK/out-spacy-lemma.json" \
            python3 "$ROOT/benches/spacy_baseline.py" lemma "$WORK/phrases.txt" "$(head_mb "$CORPUS" "$LEMMA_MB")"
    fi
fi
if [[ $RE_MB != 0 ]]; then
    measure python-re "$(head_mb "$CORPUS" "$RE_MB")" "$WORK/out-python-re.json" \
        python3 "$ROOT/benches/spacy_baseline.py" re "$WORK/phrases.txt" "$(head_mb "$CORPUS" "$RE_MB")"
fi
if [[ $SMALL_MB != 0 ]]; then
    SMALL=$(corpus "$SMALL_MB")
    # shellcheck disable=SC2046
    measure "demarche-j1-${SMALL_MB}mb" "$SMALL" /dev/null "$BIN" classify --format jsonl $(jobs_arg 1) "$SMALL"
fi
if [[ -n $LARGE_MB ]]; then
    LARGE=$(corpus "$LARGE_MB")
    # shellcheck disable=SC2046
    measure "demarche-${LARGE_MB}mb" "$LARGE" /dev/null "$BIN" classify --format jsonl $(jobs_arg "$JOBS2") "$LARGE"
fi
COMPILE=$("$BENCH" compile-time)
COMPILE_MS=$(echo "$COMPILE" | sed -E 's/.*compiled in ([0-9.]+) ms.*/\1/')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- checks of the outputs -----------------------------------------------------------------
lines_in=$(wc -l <"$CORPUS")
for f in "$WORK"/out-j*.jsonl "$WORK"/out-x*.jsonl; do
    [[ -e $f ]] || continue
    n=$(wc -l <"$f")
    [[ $n == "$lines_in" ]] || echo "WARNING: $f has $n lines for $lines_in articles" >&2
done
if [[ -e "$WORK/out-j$JOBS2.jsonl" ]] && ! cmp -s "$WORK/out-j1.jsonl" "$WORK/out-j$JOBS2.jsonl"; then
    echo "WARNING: --jobs $JOBS2 output differs from --jobs 1 (order or content)" >&2
fi

# ---- report --------------------------------------------------------------------------------
{
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM"
    echo "date: $STARTED to $(date -u '+%Y-%m-%d %H:%M UTC'); load average before $LOAD_BEFORE, after $LOAD_AFTER"
    echo "demarche: $("$BIN" --version), rules $("$BIN" rules --hash), tree $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); --jobs supported: $([[ $JOBS_FLAG == 1 ]] && echo yes || echo no)"
    echo "corpus: $CORPUS ($lines_in articles); phrases: $(wc -l <"$WORK/phrases.txt")"
    echo
    echo "| tool | MB | seconds | MB/s | MB per CPU-second | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|"
    awk -F'\t' '{ mb = $2 / 1e6; printf "| %s | %.1f | %.2f | %.2f | %.2f | %.1f |%s\n", $1, mb, $3, mb / $3, mb / $4, $5 / 1024, ($6 != 0 ? " exit " $6 : "") }' "$RESULTS"
    echo
    echo "$COMPILE"
    echo
} | tee "$WORK/report.md"

rate() { awk -F'\t' -v n="$1" '$1 == n { print $2 / 1e6 / $3 }' "$RESULTS"; }
rss() { awk -F'\t' -v n="$1" '$1 == n { print $5 / 1024 }' "$RESULTS"; }
verdict() { # LABEL VALUE OP LIMIT
    if [[ -z $2 ]]; then
        printf '| %s | n/a | %s %s | not measured |\n' "$1" "$3" "$4"
    else
        local ok
        ok=$(awk -v v="$2" -v op="$3" -v l="$4" 'BEGIN { print (op == ">=" ? v >= l : op == "<=" ? v <= l : v < l) }')
        printf '| %s | %.3g | %s %s | %s |\n' "$1" "$2" "$3" "$4" "$([[ $ok == 1 ]] && echo pass || echo FAIL)"
    fi
}
ratio() { if [[ -n $1 && -n $2 ]]; then awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; fi; }
J1=$(rate demarche-j1)
{
    echo "| target | measured | wanted | verdict |"
    echo "|---|---:|---|---|"
    verdict "1 thread / ripgrep --count-matches (MB/s)" "$(ratio "$J1" "$(rate rg)")" '>=' 0.06
    verdict "1 thread / spaCy PhraseMatcher (MB/s)" "$(ratio "$J1" "$(rate spacy-phrase)")" '>=' 4
    verdict "--jobs $JOBS2 / 1 thread (MB/s)" "$(ratio "$(rate "demarche-j$JOBS2")" "$J1")" '>=' 1.7
    verdict "${TIMES}x rules: time / default time" "$(ratio "$J1" "$(rate "demarche-x$TIMES-rules")")" '<=' 1.5
    verdict "peak RSS at $SIZE_MB MB (MiB)" "$(rss demarche-j1)" '<=' 64
    [[ $SMALL_MB != 0 ]] && verdict "peak RSS at $SMALL_MB MB (MiB)" "$(rss "demarche-j1-${SMALL_MB}mb")" '<=' 64
    [[ -n $LARGE_MB ]] && verdict "peak RSS at $LARGE_MB MB (MiB)" "$(rss "demarche-${LARGE_MB}mb")" '<=' 64
    verdict "embedded pack compile (ms)" "$COMPILE_MS" '<' 50
    echo
    echo "MB = 10^6 bytes of JSON Lines input; seconds are wall-clock (process start to end,"
    echo "compilation and Python imports included); CPU = user + system. Logs: $WORK/time-*.txt"
} | tee -a "$WORK/report.md"
