#!/usr/bin/env bash
# Extra CI steps, meant to run after README's test command in .ci/run (the lead decides):
#   1. the whole test suite under ASan + UBSan + LeakSanitizer (scripts/sanitize.sh), which also
#      replays fuzz/regressions/ and runs the toml-test suite through the binary;
#   2. a fuzz smoke run of every target (scripts/fuzz.sh, KBLINT_FUZZ_SECONDS each, default 20).
# One clang build serves both (sanitizers plus libFuzzer coverage), so only one extra build is paid.
# Needs clang and libclang-rt-14-dev (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() { echo "== ci-extra: $1 (at $((SECONDS - start)) s)"; }

BUILD=${KBLINT_CI_EXTRA_BUILD:-build-ci-extra}
step "sanitizer build and test suite ($BUILD)"
CC=clang CXX=clang++ KBLINT_ASAN_BUILD=$BUILD KBLINT_CMAKE_ARGS="-DKBLINT_FUZZ=ON -DKBLINT_WERROR=OFF" \
  bash scripts/sanitize.sh
step "fuzz smoke"
KBLINT_FUZZ_BUILD=$BUILD bash scripts/fuzz.sh "${KBLINT_FUZZ_SECONDS:-20}"
step "done"
