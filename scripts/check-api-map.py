#!/usr/bin/env python3
"""Checks docs/api-map.md against the sources: every name in the concept x language
tables must appear, as a whole word, in that language's public sources. A rename
that forgets the table, or a table that names something a binding does not have,
fails `make test`.

    python3 scripts/check-api-map.py
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "docs/api-map.md"

# Column heading (its first word) -> the public sources of that language.
SOURCES = {
    "Rust": ["core/src/**/*.rs"],
    "C": ["include/onyx.h"],
    "C++": ["bindings/cpp/include/**/*.hpp"],
    "Java": ["bindings/java/src/main/java/**/*.java"],
    "C#": ["bindings/dotnet/src/Onyx/**/*.cs"],
    "Node": ["bindings/node/index.js", "bindings/node/index.d.ts"],
}


def source_text(language):
    return "\n".join(p.read_text(encoding="utf-8") for pattern in SOURCES[language] for p in sorted(ROOT.glob(pattern)))


def rows(text):
    """Yields (line number, header cells, row cells) for every table body row."""
    header = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not all(set(c) <= {"-", " ", ":"} for c in cells):
            yield number, header, cells


def main():
    texts = {language: source_text(language) for language in SOURCES}
    problems, checked = [], 0
    for number, header, cells in rows(MAP.read_text(encoding="utf-8")):
        for heading, cell in zip(header[1:], cells[1:]):
            language = heading.split(" ")[0]
            if language not in SOURCES:
                continue
            name = re.search(r"`([^`]+)`", cell)
            if not name:
                if cell not in {"—", "-"}:
                    problems.append(f"docs/api-map.md:{number}: {language} cell '{cell}' has no `name`")
                continue
            checked += 1
            if not re.search(r"(?<![\w])" + re.escape(name.group(1)) + r"(?![\w])", texts[language]):
                problems.append(f"docs/api-map.md:{number}: {language} has no '{name.group(1)}' ({cells[0]}) in {', '.join(SOURCES[language])}")
    if problems:
        print("onyx: docs/api-map.md and the sources disagree:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"onyx: docs/api-map.md: {checked} names found in their languages' sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
