#!/usr/bin/env bash
# The whole test suite, as CI runs it (README's test command runs this after install-deps.sh):
#
#   scripts/test.sh [STEP...]     steps: plain sanitize fuzz (default: all three, in this order)
#
#   plain     build/ (RelWithDebInfo, the system compiler) and every CTest test: unit tests, golden
#             reports, the rule pack's own tests, toml-test through the loader and through the
#             binary, hostile input, fail-closed, atomic writes, SARIF/JUnit/HTML validation.
#   sanitize  the same suite in build-sanitize/ under ASan + UBSan + LeakSanitizer (clang), fuzz
#             regressions included (scripts/sanitize.sh).
#   fuzz      each libFuzzer target for KBLINT_FUZZ_SECONDS (default 60) seconds, two at a time,
#             from the sanitize build (scripts/fuzz.sh); a crash, leak, hang or OOM fails the run.
#
# Each step prints how long it took; the first failure stops the run with its status.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(plain sanitize fuzz)
for s in "${steps[@]}"; do
  case $s in plain|sanitize|fuzz) ;; *) echo "test.sh: unknown step '$s' (plain, sanitize, fuzz)" >&2; exit 2 ;; esac
done
start=$SECONDS
for s in "${steps[@]}"; do
  echo "== test.sh: $s (at $((SECONDS - start)) s)"
  case $s in
    plain)
      cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
      cmake --build build -j2
      ctest --test-dir build --output-on-failure -j2
      ;;
    sanitize)
      bash scripts/sanitize.sh
      ;;
    fuzz)
      KBLINT_FUZZ_BUILD=build-sanitize KBLINT_FUZZ_JOBS=2 bash scripts/fuzz.sh "${KBLINT_FUZZ_SECONDS:-60}"
      ;;
  esac
done
echo "== test.sh: ${steps[*]} passed in $((SECONDS - start)) s"
