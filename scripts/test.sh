#!/usr/bin/env bash
# The whole test suite, as CI runs it (README's test command runs this after install-deps.sh):
#
#   scripts/test.sh [STEP...]     steps: plain package sanitize fuzz (default: all, in this order)
#
#   plain     build/ (RelWithDebInfo, the system compiler) and every CTest test: unit tests, golden
#             reports, the rule pack's own tests, toml-test through the loader and through the
#             binary, hostile input, fail-closed, atomic writes, SARIF/JUnit/HTML validation.
#   sanitize  the same suite in build-sanitize/ under ASan + UBSan + LeakSanitizer (clang), fuzz
#             regressions included (scripts/sanitize.sh), but for 19 slow end-to-end tests whose
#             work is another program's (Chromium, Neovim, node, the shells, python's YAML, the
#             benchmark's timings) or a comparison of outputs already made under the sanitizers by
#             other tests (the CMakePresets.json filter lists them; the plain step runs them all).
#   package   the Debian package from build/: dpkg -i, kblint --version, man -w kblint, a check of
#             the fixtures with the installed binary, dpkg -r (scripts/test-package.sh; root only,
#             reported as skipped otherwise).
#   fuzz      each libFuzzer target for KBLINT_FUZZ_SECONDS (default 30) seconds, two at a time,
#             from the sanitize build (scripts/fuzz.sh); a crash, leak, hang or OOM fails the run.
#
# Each step prints how long it took; the first failure stops the run with its status.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(plain package sanitize fuzz)
for s in "${steps[@]}"; do
  case $s in plain|package|sanitize|fuzz) ;; *) echo "test.sh: unknown step '$s' (plain, package, sanitize, fuzz)" >&2; exit 2 ;; esac
done
# Conformance inputs kept outside the repository (../shared, or $KBLINT_SHARED): the suites that need
# them run when they are there and are reported as skipped, loudly, when not. In CI (CI=true) none
# may be skipped: KBLINT_REQUIRE_SHARED=1 turns a missing input into a failing test.
shared=${KBLINT_SHARED:-$PWD/../shared}
if [ "${CI:-}" = true ]; then export KBLINT_REQUIRE_SHARED=1; fi
for input in toml-test sarif/sarif-schema-2.1.0.json bench/gen_snapshots.py; do
  if [ -e "$shared/$input" ]; then
    echo "== test.sh: external input $input: $shared/$input"
  elif [ "${KBLINT_REQUIRE_SHARED:-}" = 1 ]; then
    echo "== test.sh: external input $input is MISSING ($shared/$input) and CI forbids skipping" >&2
    exit 1
  else
    echo "== test.sh: SKIPPING the suites that need $input: $shared/$input is missing (set KBLINT_SHARED)" >&2
  fi
done
start=$SECONDS
for s in "${steps[@]}"; do
  echo "== test.sh: $s (at $((SECONDS - start)) s)"
  case $s in
    plain)
      # -O2 as a release build, without debug information: nothing reads it here, and writing it
      # was a third of the compile time of the largest files.
      cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" -DKBLINT_WERROR=ON
      cmake --build build -j2
      ctest --test-dir build --output-on-failure -j2
      ;;
    package)
      if [ "$(id -u)" -eq 0 ]; then
        bash scripts/test-package.sh build
      elif [ "${CI:-}" = true ]; then
        echo "== test.sh: the package step needs root, and CI forbids skipping it" >&2
        exit 1
      else
        echo "== test.sh: SKIPPING the package step: it installs a .deb and needs root" >&2
      fi
      ;;
    sanitize)
      bash scripts/sanitize.sh
      ;;
    fuzz)
      KBLINT_FUZZ_BUILD=build-sanitize KBLINT_FUZZ_JOBS=2 bash scripts/fuzz.sh "${KBLINT_FUZZ_SECONDS:-30}"
      ;;
  esac
done
echo "== test.sh: ${steps[*]} passed in $((SECONDS - start)) s"
