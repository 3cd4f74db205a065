#!/usr/bin/env bash
# The Debian package as a user gets it (root only: it installs and removes the package):
# dpkg -i, kblint --version, man -w kblint, the bash/zsh/fish completions, a check of the fixtures with the installed binary,
# dpkg -r, and nothing of it left behind.
#
#   scripts/test-package.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "test-package.sh: needs root (dpkg -i)" >&2; exit 2; }
fail() { echo "test-package.sh: FAILED: $*" >&2; exit 1; }
deb=$(bash scripts/package.sh "${1:-build}")
dpkg -i "$deb" >/dev/null
files=$(dpkg -L kblint)
trap 'dpkg -r kblint >/dev/null 2>&1 || true' EXIT
[ "$(command -v kblint)" = /usr/bin/kblint ] || fail "kblint is not /usr/bin/kblint on the PATH"
/usr/bin/kblint --version | grep -q '^kblint [0-9]' || fail "kblint --version"
[ "$(man -w kblint)" = /usr/share/man/man1/kblint.1.gz ] || fail "man -w kblint"
zcat /usr/share/man/man1/kblint.1.gz | grep -q '^\.SS kblint check' || fail "the manual page has no 'kblint check' section"
[ -f /usr/share/doc/kblint/README.md ] || fail "no /usr/share/doc/kblint/README.md"
# The completions are where each shell looks for them, and each loads: bash's defines _kblint,
# fish offers the commands.
bash --norc -c 'source /usr/share/bash-completion/completions/kblint && declare -F _kblint >/dev/null' \
  || fail "bash completion: /usr/share/bash-completion/completions/kblint does not define _kblint"
zsh -n /usr/share/zsh/vendor-completions/_kblint || fail "zsh completion: /usr/share/zsh/vendor-completions/_kblint"
fish --no-config -c 'complete -C "kblint ch"' | grep -q '^check' \
  || fail "fish completion: /usr/share/fish/vendor_completions.d/kblint.fish does not offer 'check'"
status=0
(cd /tmp && /usr/bin/kblint check "$OLDPWD/fixtures/healthy" >/dev/null) || status=$?
[ "$status" -eq 0 ] || fail "check of fixtures/healthy exited $status (expected 0)"
status=0
/usr/bin/kblint check fixtures/ >/dev/null || status=$?
[ "$status" -eq 1 ] || fail "check of fixtures/ exited $status (expected 1: the broken fixtures)"
dpkg -r kblint >/dev/null
trap - EXIT
left=$(for f in $files; do [ -f "$f" ] && echo "$f"; done; true)
[ -z "$left" ] || fail "left behind after dpkg -r: $left"
! dpkg -s kblint >/dev/null 2>&1 || dpkg -s kblint | grep -q 'Status: deinstall' || fail "dpkg still lists kblint"
echo "test-package.sh: $(basename "$deb") installs, runs, has its manual page and removes cleanly"
