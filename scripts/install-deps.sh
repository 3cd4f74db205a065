#!/usr/bin/env bash
# Installs everything kblint needs to build and test, from Debian bookworm's packages (the list,
# with why each is needed, is scripts/deps.txt). When every package is already installed (as after
# .ci/run's own apt-get), nothing is downloaded and apt-get is not run again.
#
#   scripts/install-deps.sh           install what is missing
#   scripts/install-deps.sh --list    print the packages this machine needs (for .ci/run's apt-get)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
read -r -a packages <<<"$(grep -v '^#' "$(dirname "$0")/deps.txt" | tr '\n' ' ')"
# A node and npm installed from another source (nvm, NodeSource) are kept: Debian's would replace them.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  [ "${1:-}" = --list ] || echo "install-deps: node $(node --version) and npm $(npm --version) are on PATH: skipping nodejs npm"
  kept=()
  for p in "${packages[@]}"; do
    case $p in nodejs|npm) ;; *) kept+=("$p") ;; esac
  done
  packages=("${kept[@]}")
fi
if [ "${1:-}" = --list ]; then
  echo "${packages[*]}"
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${packages[@]}"
