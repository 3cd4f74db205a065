#!/usr/bin/env bash
# The side-by-side benchmark (issue 13): generates two fleets, runs the toml++ parse-only floor,
# kblint -j1 and -j2 and the JavaScript peers on them, and prints one table of wall times (median
# of --runs), CPU times (user + system), ratios to the floor and peak RSS (/usr/bin/time -v).
#
#   builtin  the built-in pack over schema-true snapshots (bench/gen.py fleet: the healthy fixture
#            pair, one cluster per pair)
#   simple   bench/simple-pack (the eleven rules of ../shared/bench/RULES.md) over the snapshots of
#            ../shared/bench/gen_snapshots.py; the JavaScript peers read the same data as JSON
#
# Usage: bench/run.sh [--smoke] [--nodes N] [--runs R] [--no-peers] [BUILD_DIR]   (default: build)
#   --smoke     40 nodes, one run, no peers: checks that every step works (the test suite runs it)
#   --nodes N   snapshots per fleet (default 10000)
# The peers are installed with npm into $KBLINT_BENCH_PEERS (default: $TMPDIR/kblint-bench-peers),
# outside the build; without node and npm they are skipped with a note. Inputs: ../shared/bench
# beside the clone, or $KBLINT_SHARED/bench.
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=10000 runs=3 peers=1 smoke=0 build=build
while [ $# -gt 0 ]; do
    case "$1" in
    --smoke) smoke=1 nodes=40 runs=1 peers=0 ;;
    --nodes) nodes="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --no-peers) peers=0 ;;
    -*) echo "bench/run.sh: unknown option '$1'" >&2; exit 2 ;;
    *) build="$1" ;;
    esac
    shift
done

SHARED="${KBLINT_SHARED:-../shared}/bench"
BIN="$build/kblint"
FLOOR="$build/bench/toml_floor"
for need in "$BIN" "$SHARED/gen_snapshots.py" /usr/bin/time; do
    [ -e "$need" ] || { echo "bench/run.sh: '$need' is missing (build kblint; scripts/deps.txt lists 'time')" >&2; exit 2; }
done
[ -x "$FLOOR" ] || cmake --build "$build" --target kblint_toml_floor -j2 >/dev/null

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# measure WORKLOAD LABEL OUT CMD...: run CMD --runs times (stdout to OUT), record the median wall
# time and the largest peak RSS. kblint exits 1 when it has findings; anything else above 0 fails.
measure() {
    local workload="$1" label="$2" out="$3"; shift 3
    local times=() cpus=() rss=0 start end status
    for ((r = 0; r < runs; r++)); do
        start=$(date +%s.%N)
        status=0
        /usr/bin/time -v -o "$WORK/time" "$@" >"$out" 2>"$WORK/err" || status=$?
        end=$(date +%s.%N)
        if [ "$status" -gt 1 ]; then
            echo "bench/run.sh: '$label' on $workload failed with status $status:" >&2
            cat "$WORK/err" >&2
            exit 1
        fi
        times+=("$(echo "$end - $start" | bc)")
        cpus+=("$(awk -F': ' '/User time|System time/ {t += $2} END {print t}' "$WORK/time")")
        local kb
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time")
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    printf '%s\t%s\t%s\t%s\t%s\n' "$workload" "$label" "$(median "${times[@]}")" "$(median "${cpus[@]}")" \
        "$rss" >>"$RESULTS"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# ratio A B: A / B with two decimals, "-" when B is empty or zero.
ratio() {
    if [ -n "$2" ] && [ "$(echo "$2 > 0" | bc)" = 1 ]; then printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"
    else echo -; fi
}

# note WORKLOAD LABEL TEXT: the check column of the last measured row.
note() { printf '%s\n' "$3" >"$WORK/check.$1.$(echo "$2" | tr -c 'a-zA-Z0-9\n' _)"; }

counts_ok() {  # KIND REPORT: "counts ok" when check_counts.py agrees with the generator
    if python3 "$SHARED/check_counts.py" "$1" "$2" "$WORK/simple/expected.json" >"$WORK/counts" 2>&1; then
        echo "counts ok"
    else
        echo "COUNTS MISMATCH"
        cat "$WORK/counts" >&2
    fi
}

same_output() {  # A B: whether two reports are byte-identical
    if cmp -s "$1" "$2"; then echo "same report as -j1"; else echo "REPORT DIFFERS FROM -j1"; fi
}

echo "generating $nodes snapshots per fleet in $WORK" >&2
python3 bench/gen.py fleet "$WORK/builtin" $((nodes / 2))
python3 "$SHARED/gen_snapshots.py" --nodes "$nodes" --out "$WORK/simple" --format all --seed 1 >/dev/null

measure builtin "toml++ parse only (floor)" "$WORK/b.floor" "$FLOOR" "$WORK/builtin"
note builtin "toml++ parse only (floor)" "$(cat "$WORK/b.floor")"
measure builtin "kblint -j1" "$WORK/b.j1" "$BIN" check -j1 "$WORK/builtin"
note builtin "kblint -j1" "$(tail -n 1 "$WORK/b.j1")"
measure builtin "kblint -j2" "$WORK/b.j2" "$BIN" check -j2 "$WORK/builtin"
note builtin "kblint -j2" "$(same_output "$WORK/b.j1" "$WORK/b.j2")"

measure simple "toml++ parse only (floor)" "$WORK/s.floor" "$FLOOR" "$WORK/simple/toml"
note simple "toml++ parse only (floor)" "$(counts_ok floor "$WORK/s.floor")"
measure simple "kblint -j1" "$WORK/s.j1" "$BIN" check -j1 --no-builtin -r bench/simple-pack "$WORK/simple/toml"
note simple "kblint -j1" "$(counts_ok kblint "$WORK/s.j1")"
measure simple "kblint -j2" "$WORK/s.j2" "$BIN" check -j2 --no-builtin -r bench/simple-pack "$WORK/simple/toml"
note simple "kblint -j2" "$(same_output "$WORK/s.j1" "$WORK/s.j2")"

python3 bench/gen.py runbook "$WORK/runbook" 1000
measure other "kblint rules" "$WORK/o.rules" "$BIN" rules
note other "kblint rules" "load and compile the built-in pack"
measure other "kblint, one 2-node cluster" "$WORK/o.pair" "$BIN" check fixtures/healthy
note other "kblint, one 2-node cluster" "$(tail -n 1 "$WORK/o.pair")"
measure other "kblint, 1000-step runbook" "$WORK/o.runbook" "$BIN" check "$WORK/runbook"
note other "kblint, 1000-step runbook" "$(tail -n 1 "$WORK/o.runbook")"

peer_note="JavaScript peers: skipped (--smoke or --no-peers)"
if [ "$peers" = 1 ]; then
    PEERS="${KBLINT_BENCH_PEERS:-${TMPDIR:-/tmp}/kblint-bench-peers}"
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        peer_note="JavaScript peers: skipped, node or npm is not installed"
    elif [ ! -d "$PEERS/node_modules/@marcbachmann/cel-js" ] &&
        ! (mkdir -p "$PEERS" && cd "$PEERS" && npm install --silent --no-audit --no-fund \
            json-rules-engine @marcbachmann/cel-js >/dev/null 2>&1); then
        peer_note="JavaScript peers: skipped, npm install into $PEERS failed"
    else
        peer_note="JavaScript peers: node $(node --version), installed in $PEERS"
        for engine in parse plain cel; do
            label="node.js $engine (JSON)"
            KBLINT_JS_PEERS="$PEERS" && export KBLINT_JS_PEERS
            measure simple "$label" "$WORK/s.$engine" \
                node "$SHARED/peers/js/run_rules.mjs" --engine=$engine "$WORK/simple/json"
            if [ "$engine" = parse ]; then note simple "$label" "JSON.parse only"
            else note simple "$label" "$(counts_ok js "$WORK/s.$engine")"; fi
        done
    fi
fi

# The table: each row's ratio is to the toml++ floor of its workload.
echo
printf 'machine: %s cores, %s\n' "$(nproc)" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
printf 'fleets: %s snapshots each; builtin %s, simple %s of TOML\n' "$nodes" \
    "$(du -sh --apparent-size "$WORK/builtin" | cut -f1)" "$(du -sh --apparent-size "$WORK/simple/toml" | cut -f1)"
printf '%-8s  %-26s  %8s  %8s  %6s  %11s  %9s  %s\n' workload run "wall s" "x floor" "cpu s" "cpu x floor" \
    "RSS MiB" check
while IFS=$'\t' read -r workload label wall cpu rss; do
    floor_wall=$(awk -F'\t' -v w="$workload" '$1 == w && $2 ~ /floor/ {print $3}' "$RESULTS")
    floor_cpu=$(awk -F'\t' -v w="$workload" '$1 == w && $2 ~ /floor/ {print $4}' "$RESULTS")
    check=$(cat "$WORK/check.$workload.$(echo "$label" | tr -c 'a-zA-Z0-9\n' _)")
    printf '%-8s  %-26s  %8.3f  %8s  %6.2f  %11s  %9.1f  %s\n' "$workload" "$label" "$wall" \
        "$(ratio "$wall" "$floor_wall")" "$cpu" "$(ratio "$cpu" "$floor_cpu")" "$(echo "scale=1; $rss / 1024" | bc)" "$check"
done < <(for w in builtin simple other; do awk -F'\t' -v w="$w" '$1 == w' "$RESULTS"; done)
echo "$peer_note"
