#!/usr/bin/env bash
# Installs everything kblint needs to build and test, from Debian bookworm's packages
# (the list, with why each is needed, is scripts/deps.txt).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages=$(grep -v '^#' "$(dirname "$0")/deps.txt" | tr '\n' ' ')
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $packages
