#!/bin/sh
# CTest entry of the editors test: runs tests/editors/tokenize.mjs with node. Without node the test
# cannot run: it says so loudly and exits 77 (skipped), or 1 when KBLINT_REQUIRE_SHARED=1 (CI).
# Usage: tests/editors/run.sh PATH-TO-KBLINT
if ! command -v node >/dev/null 2>&1; then
  if [ "${KBLINT_REQUIRE_SHARED:-}" = 1 ]; then
    echo "*** FAILED: editors test: node is not installed (KBLINT_REQUIRE_SHARED=1 forbids skipping) ***" >&2
    exit 1
  fi
  echo "*** SKIPPED: editors test: node is not installed; the TextMate grammar was NOT tested ***"
  echo "*** SKIPPED: editors test: node is not installed; the TextMate grammar was NOT tested ***" >&2
  exit 77
fi
exec node "$(dirname "$0")/tokenize.mjs" --kblint "$1"
