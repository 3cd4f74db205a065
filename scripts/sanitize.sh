#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer is part
# of ASan on Linux), in its own build folder:
#
#   scripts/sanitize.sh                       build build-asan/ and run ctest there
#
# Environment: KBLINT_ASAN_BUILD (build folder, default build-asan), KBLINT_SANITIZE (default
# address,undefined), CC/CXX (default: the system compiler; clang works too), and any extra cmake
# arguments in KBLINT_CMAKE_ARGS. Every sanitizer report aborts the process, so a report in the
# test binary or in a kblint run started by a test fails that test; a leak fails it too.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${KBLINT_ASAN_BUILD:-build-asan}
# shellcheck disable=SC2086
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKBLINT_SANITIZE="${KBLINT_SANITIZE:-address,undefined}" \
  ${KBLINT_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD" -j2
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-abort_on_error=1:halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=23}
ctest --test-dir "$BUILD" --output-on-failure -j2 --timeout 900
