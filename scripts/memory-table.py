#!/usr/bin/env python3
"""Reads `<mode> <sessions> <MiB>` lines (bench-memory), prints the medians as a table
and appends `bench c memory_...` lines to the results file named as the argument."""
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for line in sys.stdin:
    mode, sessions, mib = line.split()
    runs[(mode, int(sessions))].append(float(mib))
median = {key: statistics.median(values) for key, values in runs.items()}
print("| sessions | plain (MiB) | shared (MiB) |")
print("| --- | --- | --- |")
for n in sorted({n for _, n in median}):
    print(f"| {n} | {median[('plain', n)]:.0f} | {median[('shared', n)]:.0f} |")
lines = []
for mode in ("plain", "shared"):
    first, last = median[(mode, 1)], median[(mode, max(n for m, n in median if m == mode))]
    extra = (last - first) / (max(n for m, n in median if m == mode) - 1)
    print(f"onyx: [bench] {mode}: first session {first:.0f} MiB, each extra {extra:.0f} MiB ({extra / first:.0%} of the first)")
    lines.append(f"bench c memory_{mode}_first_mib {first:.1f} MiB {extra / first:.4f}\n")
with open(sys.argv[1], "a") as out:
    out.writelines(lines)
