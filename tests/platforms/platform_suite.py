#!/usr/bin/env python3
"""The shared suite as the runners on another platform read it (tests/platforms).

    python3 tests/platforms/platform_suite.py linux-arm64|windows-x64 OUT_DIR --custom-op-library PATH
        [--extensions-library PATH] [--source SUITE_DIR] [--only PATTERN]... [--skip PATTERN]...

OUT_DIR gets spec.txt, SUITE_DIR/spec.txt (default tests/suite) with only what the platform
changes, and `fixtures`, a link to SUITE_DIR/fixtures (the same files, the same expected
values). --only keeps just the cases whose names match a shell pattern, --skip leaves the
matching ones out (another part of the platform's suite runs them):

- the header's custom-op libraries are the platform's builds: Onyx's test library
  cross-built from customops/, and ONNX Runtime Extensions' DLL on windows-x64;
- a case's model outside the fixtures (the OCR model) is named from OUT_DIR;
- Windows: the path of error_runtime_path_missing is a Windows path (the case checks
  that the message names the path tried, as the platform writes it);
- cases the platform cannot have are left out, and OUT_DIR/skipped.txt lists them,
  one `<case>: <why>` line each; tests/platforms/run-suite.sh reports them as SKIP.

Standard library only.
"""

import argparse
import fnmatch
import os
import sys
from pathlib import Path

SUITE = Path(__file__).resolve().parents[1] / "suite"

# Cases a platform cannot run, and why (the table shows them as SKIP).
SKIPS = {
    "windows-x64": {
        "hostile_fifo": "Windows file systems have no FIFOs (named pipes live in \\\\.\\pipe\\, not beside models)",
        "hostile_dev_zero": "Windows has no /dev/zero device file",
    },
    "linux-arm64": {},
}


def blocks(text):
    """[(lines)] of spec.txt, comments and blank lines kept with the block they precede."""
    out, current = [], []
    for line in text.splitlines():
        current.append(line)
        if line == "":
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("platform", choices=sorted(SKIPS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--custom-op-library", type=Path, required=True)
    parser.add_argument("--extensions-library", type=Path)
    parser.add_argument("--source", type=Path, default=SUITE)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--skip", action="append", default=[])
    args = parser.parse_args()
    source = args.source.resolve()
    matches = lambda case, patterns: any(fnmatch.fnmatchcase(case, p) for p in patterns)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    link = out / "fixtures"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(os.path.relpath(source / "fixtures", out))

    skips = {}
    rel = lambda p: os.path.relpath(p.resolve(), out)
    result = []
    for block in blocks((source / "spec.txt").read_text(encoding="utf-8")):
        fields = [l.partition(" ")[::2] for l in block if l and not l.startswith("#")]
        name = next((v for k, v in fields if k == "case"), None)
        libraries = next((v for k, v in fields if k == "libraries"), "")
        if name and ((args.only and not matches(name, args.only)) or matches(name, args.skip)):
            continue
        if name and "extensions" in libraries.split() and not args.extensions_library:
            skips[name] = (f"ONNX Runtime Extensions {args.platform} build does not exist: Microsoft's "
                           "Maven Central jar carries linux-x64, osx-x64 and win-x64 only")
        if name in SKIPS[args.platform]:
            skips[name] = SKIPS[args.platform][name]
        if name in skips:
            continue
        lines = []
        for line in block:
            key, _, value = line.partition(" ")
            if key == "custom_op_library_own":
                line = f"{key} {rel(args.custom_op_library)}"
            elif key == "custom_op_library_extensions":
                line = f"{key} {rel(args.extensions_library)}" if args.extensions_library else line
            elif name and key == "model" and not value.startswith("fixtures/"):
                # A model outside the fixtures (the OCR model in .cache/models): the same
                # file, from this folder.
                line = f"{key} {rel(source / value)}"
            elif args.platform == "windows-x64" and name == "error_runtime_path_missing" and key in ("path", "message_contains"):
                line = f"{key} C:\\nonexistent\\onnxruntime.dll"
            lines.append(line)
        result.extend(lines)
    (out / "spec.txt").write_text("\n".join(result) + "\n", encoding="utf-8")
    (out / "skipped.txt").write_text("".join(f"{c}: {why}\n" for c, why in skips.items()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
