#!/usr/bin/env bash
# Measures kblint on generated inputs; prints wall time and peak memory of each run.
# Usage: bench/run.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-build}/kblint"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
measure() {  # label, then the command
    local label="$1"; shift
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$TMP/mem" "$@" >/dev/null 2>"$TMP/err" || [ $? -eq 1 ]
    end=$(date +%s.%N)
    printf '%-44s %8.3f s  %8d KiB peak\n' "$label" "$(echo "$end - $start" | bc)" "$(tail -n 1 "$TMP/mem")"
}
python3 bench/gen.py runbook "$TMP/rb100" 100
python3 bench/gen.py runbook "$TMP/rb1000" 1000
python3 bench/gen.py fleet "$TMP/fleet1k" 1000
measure "fixtures/ (all folders, built-in pack)" "$BIN" check -q fixtures
measure "runbook of 100 steps, 2 nodes" "$BIN" check -q "$TMP/rb100"
measure "runbook of 1000 steps, 2 nodes" "$BIN" check -q "$TMP/rb1000"
measure "1000 clusters (2000 snapshots), -j1" "$BIN" check -q -j1 "$TMP/fleet1k"
measure "1000 clusters (2000 snapshots), -j2" "$BIN" check -q -j2 "$TMP/fleet1k"
