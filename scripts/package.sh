#!/usr/bin/env bash
# Build the Debian package of kblint from a build folder (default build/, made by README's
# commands): binary, manual page, documentation, examples. Prints the .deb's path.
#
#   scripts/package.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$build" -j2 --target kblint kblint_man >&2
rm -rf "$build/dist"
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(find "$build/dist" -maxdepth 1 -name 'kblint_*.deb' | head -1)
[ -n "$deb" ] || { echo "package.sh: cpack made no .deb in $build/dist" >&2; exit 1; }
echo "$deb"
