#!/usr/bin/env python3
"""Case x language table of the shared suite's runner output.

    python3 tests/suite/table.py rust.log c.log cpp.log ...
    some-runner | python3 tests/suite/table.py

Reads the per-case lines every runner prints (`[<language>] PASS <case>`,
`[<language>] FAIL <case>: <why>`, `[<language>] SKIP <case>: <why>`; they may
carry a prefix, such as ctest's `1: `) and prints a Markdown table with one row
per case of spec.txt and one column per language seen. Exits 1 if any case
failed, or if a case of spec.txt has no line for a language that appears.
Standard library only.
"""

import argparse
import re
import sys
from pathlib import Path

KNOWN_LANGUAGES = ["rust", "c", "cpp", "java", "csharp", "node",
                   # the other platforms' runners under emulation (mk/platforms.mk)
                   "c-arm64", "rust-arm64", "c-win64", "rust-win64", "node-win64"]
LINE = re.compile(r"\[([a-z][a-z0-9_+#-]*)\] (PASS|FAIL|SKIP) ([A-Za-z0-9_.-]+)(?::\s*(.*))?")
# The conformance runners' per-group lines (tests/conformance/README.md).
CONFORMANCE = re.compile(r"\[([a-z][a-z0-9_+#-]*)\] conformance ([A-Za-z0-9_.-]+): (\d+) passed, (\d+) failed")
# The languages whose runners sweep ONNX's backend test suite in `make test`.
CONFORMANCE_LANGUAGES = ["rust", "c", "cpp", "java", "csharp", "node"]
OUTCOMES = Path(__file__).resolve().parent.parent / "conformance" / "outcomes.txt"
# If a case is reported more than once for a language, the worst result shows.
RANK = {"SKIP": 0, "PASS": 1, "FAIL": 2}


def spec_cases(spec):
    cases = []
    for line in spec.read_text(encoding="utf-8").splitlines():
        if line.startswith("case "):
            cases.append(line[len("case "):].strip())
    return cases


def read_results(texts):
    """{language: {case: (status, why)}}"""
    results = {}
    for text in texts:
        for line in text.splitlines():
            m = LINE.search(line)
            if not m:
                continue
            lang, status, case, why = m.groups()
            old = results.setdefault(lang, {}).get(case)
            if old is None or RANK[status] > RANK[old[0]]:
                results[lang][case] = (status, (why or "").strip())
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("logs", nargs="*", type=Path, help="runner output files (default: stdin)")
    parser.add_argument("--spec", type=Path, default=Path(__file__).resolve().parent / "spec.txt")
    args = parser.parse_args()

    texts = ([p.read_text(encoding="utf-8", errors="replace") for p in args.logs]
             if args.logs else [sys.stdin.read()])
    results = read_results(texts)
    if not results:
        print("table.py: no runner result lines found", file=sys.stderr)
        return 1

    cases = spec_cases(args.spec)
    extra = sorted({c for per in results.values() for c in per} - set(cases))
    langs = [l for l in KNOWN_LANGUAGES if l in results] + sorted(set(results) - set(KNOWN_LANGUAGES))

    print("| case | " + " | ".join(langs) + " |")
    print("|---|" + "---|" * len(langs))
    bad = []
    for case in cases:
        cells = []
        for lang in langs:
            status, why = results[lang].get(case, ("MISSING", "no result line"))
            if status in ("FAIL", "MISSING"):
                bad.append((lang, case, status, why))
            cells.append(status)
        print(f"| {case} | " + " | ".join(cells) + " |")
    # Cases a runner reported that spec.txt lacks (a stale runner or spec)
    # are shown, but do not fail the table.
    for case in extra:
        cells = [results[lang].get(case, ("",))[0] for lang in langs]
        print(f"| {case} (not in spec.txt) | " + " | ".join(cells) + " |")

    print()
    for lang in langs:
        per = [results[lang].get(c, ("MISSING", ""))[0] for c in cases]
        print(f"- {lang}: {per.count('PASS')} passed, {per.count('FAIL')} failed, "
              f"{per.count('SKIP')} skipped, {per.count('MISSING')} missing")
    bad += conformance_table(texts, langs)
    if bad:
        print()
        print("Failures:")
        for lang, case, status, why in bad:
            print(f"- [{lang}] {case}: {status}" + (f": {why}" if why else ""))
    return 1 if bad else 0


def conformance_table(texts, langs):
    """Prints the conformance block (group x language); returns its failures."""
    counts = {}  # lang -> group -> (passed, failed)
    for text in texts:
        for m in CONFORMANCE.finditer(text):
            lang, group, passed, failed = m.groups()
            counts.setdefault(lang, {})[group] = (int(passed), int(failed))
    expected = {}  # group -> [case outcomes], what ONNX Runtime's Python binding does
    if OUTCOMES.exists():
        for line in OUTCOMES.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                case, outcome = line.rsplit(" ", 1)
                expected.setdefault(case.split("/")[0], []).append(outcome)
    want = [l for l in CONFORMANCE_LANGUAGES if l in langs]
    if not want and not counts:
        return []
    shown = want + sorted(set(counts) - set(want))
    print()
    print("ONNX backend conformance (tests/conformance): cases that behave as ONNX Runtime's Python binding does, per language")
    print()
    print("| group | ORT Python: pass / ort_values / error | " + " | ".join(shown) + " |")
    print("|---|---|" + "---|" * len(shown))
    bad = []
    for group in sorted(set(expected) | {g for per in counts.values() for g in per}):
        outcomes = expected.get(group, [])
        ort = f"{outcomes.count('pass')} / {outcomes.count('ort_values')} / {outcomes.count('error')}"
        cells = []
        for lang in shown:
            got = counts.get(lang, {}).get(group)
            if got is None:
                cells.append("MISSING")
                bad.append((lang, f"conformance {group}", "MISSING", "no summary line"))
                continue
            passed, failed = got
            cells.append(f"{passed}/{passed + failed}" + (f" ({failed} FAIL)" if failed else ""))
            if failed or (outcomes and passed + failed != len(outcomes)):
                why = f"{failed} failed" if failed else f"{passed + failed} cases run, {len(outcomes)} generated"
                bad.append((lang, f"conformance {group}", "FAIL", why))
        print(f"| {group} | {ort} | " + " | ".join(cells) + " |")
    return bad


if __name__ == "__main__":
    sys.exit(main())
