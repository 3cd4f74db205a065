#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer: the
# `sanitize` preset of CMakePresets.json (build-sanitize/, clang, build type Sanitize, the
# libFuzzer targets too, so that scripts/fuzz.sh can reuse the build).
#
#   scripts/sanitize.sh                 configure, build and run ctest in build-sanitize/
#
# Every sanitizer report aborts the process (see the preset's ASAN_OPTIONS and UBSAN_OPTIONS), so
# a report in the test binary or in a kblint run started by a test fails that test; a leak too.
# The sanitize test preset leaves out 19 slow end-to-end tests whose work is another program's
# (Chromium, Neovim, node, the shells, YAML, the benchmark's timings) or a comparison of outputs
# other tests already make under the sanitizers; the plain build runs them all (scripts/test.sh).
# The same by hand: cmake --preset sanitize && cmake --build --preset sanitize && ctest --preset sanitize
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize
ctest --preset sanitize
