#!/usr/bin/env bash
# The `kblint-check` pre-commit hook (.pre-commit-hooks.yaml at the top of the kblint repository).
#
# pre-commit passes the staged files it selected. The hook checks them together with the other
# snapshots of their clusters, and reports only those clusters (`--focus`): a commit is blocked by
# what it touches, not by an unrelated cluster. It reads only the snapshots git knows (tracked or
# staged, `git ls-files`), never an untracked work-in-progress file. kblint finds .kblint.toml
# (baseline, waivers, rules, fail_on...) as `kblint check` always does. When only rule files or the
# project files change, every snapshot git knows is checked.
#
# Options, before the file names (the hook's `args:`): --root DIR (repeatable) limits the snapshots
# to those under DIR; any other option starting with '-' is passed to `kblint check`.
#
# Which kblint: $KBLINT when set; else the one built in this repository's folder by an earlier run;
# else it is built here once per hook version (cmake, g++ and Debian's packages of scripts/deps.txt);
# else `kblint` on the PATH.
set -u

src=$(cd "$(dirname "$0")/../.." && pwd)
roots=()
passthrough=()
while [ $# -gt 0 ]; do
    case "$1" in
        --root) roots+=("${2%/}"); shift 2 ;;
        --root=*) r="${1#--root=}"; roots+=("${r%/}"); shift ;;
        --) shift; break ;;
        -*) passthrough+=("$1"); shift ;;
        *) break ;;
    esac
done
[ ${#roots[@]} -eq 0 ] && roots=(.)

find_kblint() {
    if [ -n "${KBLINT:-}" ]; then echo "$KBLINT"; return 0; fi
    local built="$src/build-pre-commit/kblint"
    if [ -x "$built" ]; then echo "$built"; return 0; fi
    if command -v cmake >/dev/null 2>&1 && [ -f "$src/CMakeLists.txt" ]; then
        echo "kblint: building kblint for pre-commit, once for this version of the hook" >&2
        if cmake -S "$src" -B "$src/build-pre-commit" -DCMAKE_BUILD_TYPE=Release -DKBLINT_BUILD_TESTS=OFF >&2 &&
            cmake --build "$src/build-pre-commit" -j2 >&2; then
            echo "$built"
            return 0
        fi
        echo "kblint: the build failed; install the packages of scripts/deps.txt, or set KBLINT" >&2
        return 1
    fi
    if command -v kblint >/dev/null 2>&1; then command -v kblint; return 0; fi
    echo "kblint: no kblint: set KBLINT, install cmake and the packages of scripts/deps.txt, or put kblint on the PATH" >&2
    return 1
}
kblint=$(find_kblint) || exit 2

# Every snapshot git knows under the roots (the project and waiver files are not snapshots).
snapshots=()
while IFS= read -r -d '' f; do snapshots+=("$f"); done < <(
    git ls-files -z -- "${roots[@]/%//*.toml}" ':(exclude,glob)**/.kblint.toml' ':(exclude,glob)**/.kblint-waivers.toml' \
        ':(exclude).kblint.toml' ':(exclude).kblint-waivers.toml')
if [ ${#snapshots[@]} -eq 0 ]; then
    echo "kblint: no snapshot tracked by git under ${roots[*]}" >&2
    exit 0
fi

# The staged files that are snapshots: their clusters are the ones reported.
focus=()
for f in "$@"; do
    for s in "${snapshots[@]}"; do
        if [ "$f" = "$s" ]; then focus+=(--focus "$f"); break; fi
    done
done

exec "$kblint" check "${passthrough[@]}" "${focus[@]}" -- "${snapshots[@]}"
