#!/usr/bin/env bash
# Installs everything kblint needs to build and test, from Debian bookworm's packages.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
  ca-certificates cmake make g++ pkg-config git \
  libtomlplusplus-dev tao-pegtl-dev libfmt-dev catch2 \
  libcli11-dev nlohmann-json3-dev libre2-dev
