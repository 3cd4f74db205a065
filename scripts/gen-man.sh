#!/usr/bin/env bash
# Write the kblint(1) manual page from the built binary's own help texts, so that the page and
# `--help` have one source: the command table. The subcommands are read from `kblint --help`.
#
#   scripts/gen-man.sh KBLINT OUT.1
set -euo pipefail
kblint=${1:?usage: scripts/gen-man.sh KBLINT OUT.1}
out=${2:?usage: scripts/gen-man.sh KBLINT OUT.1}

# roff: a leading '.' or "'" would start a request; backslashes are escapes.
roff_text() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

version=$("$kblint" --version | head -1 | awk '{print $2}')
commands=$("$kblint" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
[ -n "$commands" ] || { echo "gen-man.sh: no subcommands in '$kblint --help'" >&2; exit 1; }

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  echo ".TH KBLINT 1 \"\" \"kblint $version\" \"User Commands\""
  echo ".SH NAME"
  echo "kblint \\- lint TOML snapshots of cluster nodes against knowledge-base rules"
  echo ".SH SYNOPSIS"
  echo ".B kblint"
  echo ".I COMMAND"
  echo "[\\fIOPTIONS\\fR] [\\fIARGS\\fR]"
  echo ".SH DESCRIPTION"
  echo "kblint turns operational knowledge (first of all Microsoft Knowledge Base articles on IIS on"
  echo "Microsoft Cluster Server) into declarative checks over TOML snapshots of cluster nodes, and"
  echo "reports each finding at the file, line and column of the snapshot value that decided it."
  echo ".PP"
  echo ".nf"
  "$kblint" --help | roff_text
  echo ".fi"
  echo ".SH COMMANDS"
  for c in $commands; do
    echo ".SS kblint $c"
    echo ".nf"
    "$kblint" "$c" --help | roff_text
    echo ".fi"
  done
  cat <<'EOF'
.SH EXIT STATUS
.TP
.B 0
no finding at or above \fB\-\-fail\-on\fR (default error)
.TP
.B 1
at least one such finding
.TP
.B 2
invalid input: TOML, rules, usage, an unreadable file or folder (even if other files were fine)
.TP
.B 3
nothing was evaluated
.TP
.B 4
internal error
.SH ENVIRONMENT
.TP
.B NO_COLOR
no colour in terminal output
.TP
.B KBLINT_TODAY
the date (YYYY-MM-DD) waivers are judged against, instead of today
.SH FILES
.TP
.I .kblint.toml
project configuration, read from the current folder
.TP
.I .kblint-waivers.toml
waivers, read from the current folder by default
.SH SEE ALSO
The rule reference and the rule language: /usr/share/doc/kblint/
EOF
} >"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
