#!/usr/bin/env bash
# Build the libFuzzer targets of fuzz/ (clang, ASan + UBSan) and run each for a bounded time.
#
#   scripts/fuzz.sh SECONDS [TARGET...]     targets: rules snapshot eval pack (default: all four)
#
# Environment: KBLINT_FUZZ_BUILD (build folder, default build-fuzz), KBLINT_FUZZ_JOBS (targets run
# side by side, default 1), KBLINT_SHARED (the shared folder holding toml-test, default ../shared),
# KBLINT_FUZZ_TIMEOUT (seconds one input may take before it counts as a hang, default 10; raise it
# for a long run under `nice` on a busy machine, where a starved process can look hung).
# Seeds are generated at run time from rules/, fixtures/, examples/, tests/data/, the toml-test
# suite and fuzz/regressions/ (nothing large is kept in the repository); new inputs accumulate in
# BUILD/corpus/TARGET across runs. Exits 1 when any target crashes, leaks, hangs past -timeout or
# runs out of memory: the input is saved as BUILD/artifacts/TARGET/crash-* (or timeout-*, oom-*).
# Make each one a regression test: copy it to fuzz/regressions/TARGET/ and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SECONDS_EACH=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(rules snapshot eval pack)
BUILD=${KBLINT_FUZZ_BUILD:-build-fuzz}
JOBS=${KBLINT_FUZZ_JOBS:-1}
SHARED=${KBLINT_SHARED:-$ROOT/../shared}

for t in "${TARGETS[@]}"; do
  case $t in rules|snapshot|eval|pack) ;; *) echo "fuzz.sh: unknown target '$t' (rules, snapshot, eval, pack)" >&2; exit 2 ;; esac
done

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKBLINT_FUZZ=ON \
    -DKBLINT_BUILD_TESTS=OFF -DKBLINT_WERROR=OFF >/dev/null
fi
cmake --build "$BUILD" -j2 --target $(printf 'fuzz_%s ' "${TARGETS[@]}") >/dev/null

# Seeds, made afresh each run.
SEEDS=$BUILD/seeds
rm -rf "$SEEDS"
copy_seeds() {  # copy_seeds TARGET FILE...
  local dir=$SEEDS/$1
  shift
  mkdir -p "$dir"
  local f
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$dir/$(printf '%s' "$f" | tr '/' '_')"
  done
  return 0
}
kbl_files=$(find rules examples tests/data tests/golden -name '*.kbl' 2>/dev/null | sort)
toml_files=$(find fixtures examples tests/data -name '*.toml' 2>/dev/null | sort)
suite_files=$( { find "$SHARED/toml-test" -name '*.toml' 2>/dev/null || true; } | sort)  # none without ../shared
# shellcheck disable=SC2086
{
  copy_seeds rules $kbl_files
  copy_seeds pack $kbl_files
  # Rule files are also cut into one declaration each: small inputs run many times faster.
  for f in $kbl_files; do
    for t in rules pack; do
      csplit -s -z -f "$SEEDS/$t/$(printf '%s' "$f" | tr '/' '_')." "$f" '/^\(rule\|def\|table\|action\|schema\) /' '{*}' 2>/dev/null || true
    done
  done
  copy_seeds snapshot $toml_files $suite_files
  copy_seeds eval $toml_files
}
# eval: pairs of snapshots of one folder joined by the separator, so that they form a cluster.
mkdir -p "$SEEDS/eval"
n=0
for d in $(find fixtures examples tests/data -name '*.toml' -printf '%h\n' 2>/dev/null | sort -u); do
  mapfile -t pair < <(find "$d" -maxdepth 1 -name '*.toml' | sort | head -2)
  if [ ${#pair[@]} -eq 2 ]; then
    { cat "${pair[0]}"; printf '\n#%%%%\n'; cat "${pair[1]}"; } > "$SEEDS/eval/pair-$n.toml"
    n=$((n + 1))
  fi
done
for t in rules snapshot eval pack; do
  [ -d "fuzz/regressions/$t" ] && cp fuzz/regressions/$t/* "$SEEDS/$t/" 2>/dev/null || true
done

# Longer inputs are cut to this; eval needs room for two whole snapshots.
max_len_for() { case $1 in eval) echo 32768 ;; pack) echo 8192 ;; *) echo 4096 ;; esac; }
dict_for() { case $1 in rules|pack) echo fuzz/kbl.dict ;; *) echo fuzz/toml.dict ;; esac; }

run_target() {  # run_target TARGET -> writes BUILD/logs/TARGET.log, returns libFuzzer's status
  local t=$1
  mkdir -p "$BUILD/corpus/$t" "$BUILD/artifacts/$t" "$BUILD/logs"
  # -entropic=0: with LLVM 14, the entropic schedule's feature-frequency update took 74% of the
  # time of the rules target (60,000 features); without it each target runs 2-3 times as many
  # inputs. malloc_context_size=0: no stack unwinding at each allocation (a crash is replayed
  # from its saved input with full stacks).
  ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0} "$BUILD/fuzz/fuzz_$t" "$BUILD/corpus/$t" "$SEEDS/$t" \
    -entropic=0 -dict="$(dict_for "$t")" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout="${KBLINT_FUZZ_TIMEOUT:-10}" \
    -max_len="$(max_len_for "$t")" -print_final_stats=1 -close_fd_mask=1 \
    -artifact_prefix="$BUILD/artifacts/$t/" >"$BUILD/logs/$t.log" 2>&1
}

declare -A status
running=()
for t in "${TARGETS[@]}"; do
  run_target "$t" &
  running+=("$!:$t")
  if [ ${#running[@]} -ge "$JOBS" ]; then
    entry=${running[0]}
    running=("${running[@]:1}")
    if wait "${entry%%:*}"; then status[${entry#*:}]=0; else status[${entry#*:}]=$?; fi
  fi
done
for entry in "${running[@]}"; do
  if wait "${entry%%:*}"; then status[${entry#*:}]=0; else status[${entry#*:}]=$?; fi
done

failed=0
for t in "${TARGETS[@]}"; do
  log=$BUILD/logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: //p' "$log" | tail -1)
  corpus=$(find "$BUILD/corpus/$t" -type f | wc -l)
  if [ "${status[$t]}" -eq 0 ]; then
    echo "fuzz $t: ok, ${execs:-?} executions (${rate:-?}/s) in ${SECONDS_EACH}s, corpus $corpus"
  else
    failed=1
    echo "fuzz $t: FAILED (libFuzzer status ${status[$t]}) after ${execs:-?} executions; log $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|kblint fuzz:|.*runtime error:|artifact_prefix|Test unit written)' "$log" | head -20 || true
  fi
done
exit $failed
