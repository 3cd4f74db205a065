#!/usr/bin/env bash
# Installs everything kblint needs to build and test, from Debian bookworm's packages.
# clang, libclang-rt-14-dev and llvm (llvm-symbolizer) are for the sanitizer and fuzz builds
# (scripts/sanitize.sh, scripts/fuzz.sh, scripts/ci-extra.sh).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
  ca-certificates cmake make g++ pkg-config git \
  libtomlplusplus-dev tao-pegtl-dev libfmt-dev catch2 \
  libcli11-dev nlohmann-json3-dev libre2-dev \
  clang libclang-rt-14-dev llvm
# Test-only tools (the tests fail without them, they never skip):
# - python3 and python3-jsonschema: tests/validate_sarif.py checks every SARIF report against the
#   SARIF 2.1.0 schema, and python3's XML parser checks that JUnit reports are well-formed;
# - chromium (and a font, for a readable screenshot): tests/html_test.cpp renders an HTML report of
#   a hostile snapshot in headless Chromium and inspects the DOM it built.
$SUDO apt-get install -y --no-install-recommends \
  python3 python3-jsonschema chromium fonts-dejavu-core
