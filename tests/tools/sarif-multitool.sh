#!/bin/sh
# Prints the path of the SARIF Multitool (npm @microsoft/sarif-multitool, pinned below), installed
# once with npm into $KBLINT_NPM_CACHE (default ~/.cache/kblint-npm), outside the repository.
# $KBLINT_SARIF_MULTITOOL, or sarif-multitool on PATH, is used as it is. Without node, npm or the
# registry it exits 1 with the reason on stderr (the test then fails in CI and skips loudly elsewhere).
set -u
pin=5.7.0
if [ -n "${KBLINT_SARIF_MULTITOOL:-}" ]; then echo "$KBLINT_SARIF_MULTITOOL"; exit 0; fi
if command -v sarif-multitool >/dev/null 2>&1; then command -v sarif-multitool; exit 0; fi
cache=${KBLINT_NPM_CACHE:-$HOME/.cache/kblint-npm}
dir=$cache/sarif-multitool@$pin
tool=$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$tool" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is not installed" >&2; exit 1; }
  mkdir -p "$cache" || exit 1
  tmp=$(mktemp -d -p "$cache") || exit 1
  if ! npm install --no-save --no-audit --no-fund --fetch-retries=1 --fetch-timeout=20000 --prefix "$tmp" \
      "@microsoft/sarif-multitool@$pin" "@microsoft/sarif-multitool-linux@$pin" >"$tmp.log" 2>&1; then
    echo "npm could not install @microsoft/sarif-multitool@$pin (is the npm registry reachable?): $(tail -3 "$tmp.log")" >&2
    rm -rf "$tmp" "$tmp.log"
    exit 1
  fi
  rm -f "$tmp.log"
  # npm may not run the package's postinstall (`chmod u+x`): do it here.
  chmod u+x "$tmp/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" || { rm -rf "$tmp"; exit 1; }
  mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"  # another run installed it first
fi
[ -x "$tool" ] || { echo "the SARIF Multitool is not at $tool after its install" >&2; exit 1; }
echo "$tool"
