#!/usr/bin/env bash
# Runs one suite runner built for another platform and prints its per-case lines under
# the platform's column name (`[c]` becomes `[c-arm64]`, `[rust]` `[rust-win64]`, ...),
# then a SKIP line, with the reason, for each case the platform's copy of the suite left
# out (skipped.txt, written by platform_suite.py).
#
#   run-suite.sh <column> <platform suite dir> <command> [args...]
#
# <command> runs the runner under its emulator (qemu-arm64.sh, wine-win64.sh, or cargo
# with the emulator as its target runner). The runner itself is unchanged; only its label
# is rewritten. Its stdout and stderr are kept in <suite dir>/<column>.stdout and .stderr.
# Exit status: the runner's.
set -uo pipefail
column=$1 suite=$2
shift 2
lang=${column%%-*}
# Output to a file, not a pipe: node.exe under Wine cannot open a pipe as its stdout (EBADF).
"$@" >"$suite/$column.stdout" 2>"$suite/$column.stderr"
status=$?
# Only the per-case lines and the summary: the rest (TAP's diagnostics repeat the lines,
# indented) stays in the .stdout file.
# (Windows programs end their lines with CR LF: the CR goes.)
sed -n -e 's/\r$//' -e "s/^\(# \)\?\[$lang\] /[$column] /p" -e 's/^\(# \)\?\([0-9]* passed, [0-9]* failed, [0-9]* skipped\)$/\2/p' "$suite/$column.stdout"
while IFS= read -r line; do
  [ -n "$line" ] && echo "[$column] SKIP ${line%%: *}: ${line#*: }"
done < "$suite/skipped.txt"
if [ "$status" -ne 0 ]; then
  echo "onyx: $column exited with status $status; the end of its stderr ($suite/$column.stderr):" >&2
  grep -v 'DXGI factory\|cpuinfo' "$suite/$column.stderr" | tail -15 >&2
fi
exit "$status"
