#!/usr/bin/env bash
# Regenerate docs/rules.md, the reference page of the built-in rule pack, from the built binary:
#   cmake --build build && scripts/gen-docs.sh [path/to/kblint]
# tests/docs_test.cpp fails when docs/rules.md differs from `kblint rules --format markdown`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kblint="${1:-$root/build/kblint}"
if [[ ! -x "$kblint" ]]; then
  echo "gen-docs.sh: '$kblint' not found: build first (cmake --build build) or give the binary's path" >&2
  exit 2
fi
out="$root/docs/rules.md"
tmp="$(mktemp "$root/docs/.rules.md.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
(cd "$root" && "$kblint" rules --format markdown) >"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "wrote $out"
