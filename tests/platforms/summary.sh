#!/usr/bin/env bash
# One line for a platform column's log (run-suite.sh's per-case lines, from one or more
# parts of the suite): "<n> passed, <n> failed, <n> skipped", counting each case once (a
# case run by two parts counts as failed if either part failed it).
#
#   summary.sh <column log>
set -euo pipefail
sed -n 's/^\[[a-z0-9-]*\] \(PASS\|FAIL\|SKIP\) \([A-Za-z0-9_.-]*\).*/\2 \1/p' "$1" | awk '
  { rank = ($2 == "FAIL") ? 3 : ($2 == "PASS") ? 2 : 1; if (rank > best[$1]) best[$1] = rank }
  END { for (c in best) n[best[c]]++; printf "%d passed, %d failed, %d skipped\n", n[2], n[3], n[1] }'
