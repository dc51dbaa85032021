#!/usr/bin/env python3
"""Checks an example's output against spec.txt: for every `classify` case, the
example's line for that case's input (`input_0: top5 554 733 ...`) must list the
case's top5. Expected classes come only from spec.txt. Every language's example
prints those lines, and every consumer check (`make test`) pipes them through here;
the example's output is echoed to stdout before the verdict.

    classify <suite> | python3 tests/suite/check_top5.py tests/suite/spec.txt <language>
"""
import re
import sys
from pathlib import Path


def classify_cases(spec_path):
    cases, current = [], {}
    for line in spec_path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#"):
            continue
        if not line:
            if current.get("kind") == "classify":
                cases.append(current)
            current = {}
            continue
        key, _, value = line.partition(" ")
        current.setdefault(key, value)
    return cases


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    output = sys.stdin.read()
    # Shown as it came, so a consumer check needs no `tee /dev/stderr` (which would
    # truncate a log file that stderr is redirected to).
    sys.stdout.write(output)
    got = {m.group(1): m.group(2).split() for m in re.finditer(r"^(\S+): top5 ((?:\d+ ?){5})", output, re.M)}
    cases = classify_cases(Path(sys.argv[1]))
    if not cases:
        print("check_top5: spec.txt has no classify case", file=sys.stderr)
        return 1
    bad = 0
    for case in cases:
        image = Path(case["input"]).stem  # fixtures/input_0.f32 -> input_0
        want = case["top5"].split()
        if got.get(image) != want:
            print(f"check_top5: {case['case']}: {image} top5 {got.get(image)} != spec {want}", file=sys.stderr)
            bad += 1
    if bad:
        return 1
    print(f"onyx: [{sys.argv[2]}] example top-5 matches spec.txt for {len(cases)} images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
