#!/usr/bin/env python3
"""Lists each Onyx package's native files per platform and checks the layout.

    python3 tests/platforms/check_packages.py [--jar JAR] [--nupkg NUPKG]
        [--archive PLATFORM=ARCHIVE ...] [--npm TARBALL ...]

For every package given: each of the three platforms (linux-x64, linux-arm64,
windows-x64) has exactly its expected native files, each library's ELF or PE header
says the CPU and format of the folder it is in, and no file is shipped twice (the same
bytes in two platforms' folders, or twice in one package). Prints one line per package
and platform with the files and their sizes, and each package's size; exits 1 on any
problem. Standard library only.
"""

import argparse
import gzip
import hashlib
import io
import sys
import tarfile
import zipfile
from collections import defaultdict
from pathlib import Path

ORT_VERSION = next(l.split("=", 1)[1].strip() for l in
                   (Path(__file__).resolve().parents[2] / "versions.env").read_text().splitlines()
                   if l.startswith("ORT_VERSION="))
ORT_SO = f"libonnxruntime.so.{ORT_VERSION}"
PLATFORMS = ["linux-x64", "linux-arm64", "windows-x64"]

# package kind -> platform -> (folder inside the package, the native files it must hold)
LAYOUTS = {
    "jar": {
        "linux-x64": ("dev/onyx/native/linux-x86_64/", {"libonyx_jni.so", ORT_SO}),
        "linux-arm64": ("dev/onyx/native/linux-aarch64/", {"libonyx_jni.so", ORT_SO}),
        "windows-x64": ("dev/onyx/native/windows-x86_64/", {"onyx_jni.dll", "onnxruntime.dll"}),
    },
    "nupkg": {
        "linux-x64": ("runtimes/linux-x64/native/", {"libonyx.so", ORT_SO}),
        "linux-arm64": ("runtimes/linux-arm64/native/", {"libonyx.so", ORT_SO}),
        "windows-x64": ("runtimes/win-x64/native/", {"onyx.dll", "onnxruntime.dll"}),
    },
    # A CMake archive holds one platform; its folder is found by name below.
    "archive": {
        "linux-x64": ("lib/", {"libonyx.so.1", ORT_SO}),
        "linux-arm64": ("lib/", {"libonyx.so.1", ORT_SO}),
        "windows-x64": ("bin/", {"onyx.dll", "onnxruntime.dll"}),
    },
    # An npm platform package holds one platform, at package/.
    "npm": {
        "linux-x64": ("package/", {"onyx.node", ORT_SO}),
        "linux-arm64": ("package/", {"onyx.node", ORT_SO}),
        "windows-x64": ("package/", {"onyx.node", "onnxruntime.dll"}),
    },
}
NPM_PLATFORM = {"linux-x64-gnu": "linux-x64", "linux-arm64-gnu": "linux-arm64", "win32-x64-gnu": "windows-x64"}


def binary_platform(head):
    """The platform an ELF or PE header is for, or None for other files."""
    if head[:4] == b"\x7fELF" and len(head) > 20:
        machine = int.from_bytes(head[18:20], "little")
        return {62: "linux-x64", 183: "linux-arm64"}.get(machine, f"elf-machine-{machine}")
    if head[:2] == b"MZ" and len(head) > 0x40:
        pe = int.from_bytes(head[0x3C:0x40], "little")
        if head[pe:pe + 4] == b"PE\0\0":
            machine = int.from_bytes(head[pe + 4:pe + 6], "little")
            return {0x8664: "windows-x64", 0xAA64: "windows-arm64"}.get(machine, f"pe-machine-{machine:#x}")
    return None


def members(path):
    """{name: bytes} of a zip (jar, nupkg) or tar.gz (archive, npm tarball); symlinks left out."""
    out = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.is_dir():
                    out[info.filename] = z.read(info)
    else:
        with tarfile.open(path, "r:gz") as t:
            for m in t.getmembers():
                if m.isfile():
                    out[m.name] = t.extractfile(m).read()
    return out


def mb(n):
    return f"{n / 1e6:.1f} MB"


def check(kind, path, platforms, problems):
    files = members(path)
    if kind == "archive":
        # onyx-<version>-<platform>/lib/... : strip the top folder.
        files = {n.split("/", 1)[1]: d for n, d in files.items() if "/" in n}
    seen = defaultdict(list)
    for name, data in files.items():
        seen[hashlib.sha256(data).hexdigest()].append(name)
    natives = 0
    for platform in platforms:
        folder, expected = LAYOUTS[kind][platform]
        here = {n[len(folder):]: d for n, d in files.items() if n.startswith(folder) and "/" not in n[len(folder):]}
        libraries = {n: d for n, d in here.items() if binary_platform(d[:4096])}
        for name in sorted(expected - set(libraries)):
            problems.append(f"{path.name}: {folder}{name} is missing ({platform})")
        for name in sorted(set(libraries) - expected):
            problems.append(f"{path.name}: {folder}{name} is not one of {platform}'s files")
        for name, data in sorted(libraries.items()):
            got = binary_platform(data[:4096])
            if got != platform:
                problems.append(f"{path.name}: {folder}{name} is built for {got}, its folder is {platform}'s")
        natives += sum(len(d) for d in libraries.values())
        listing = ", ".join(f"{n} ({mb(len(d))})" for n, d in sorted(libraries.items()))
        print(f"[packages] {kind} {path.name} {platform}: {folder}: {listing}; "
              f"{mb(sum(len(d) for d in libraries.values()))} of natives")
    for digest, names in seen.items():
        natives_named = [n for n in names if binary_platform(files[n][:4096])]
        if len(natives_named) > 1:
            problems.append(f"{path.name}: the same bytes are shipped {len(natives_named)} times: {', '.join(natives_named)}")
    unpacked = sum(len(d) for d in files.values())
    print(f"[packages] {kind} {path.name}: {mb(path.stat().st_size)} packed, {mb(unpacked)} unpacked")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jar", type=Path)
    parser.add_argument("--nupkg", type=Path)
    parser.add_argument("--archive", action="append", default=[], metavar="PLATFORM=ARCHIVE")
    parser.add_argument("--npm", action="append", default=[], type=Path, metavar="TARBALL",
                        help="a per-platform npm package, onyx-onnx-<platform>-<version>.tgz")
    args = parser.parse_args()
    problems = []
    if args.jar:
        check("jar", args.jar, PLATFORMS, problems)
    if args.nupkg:
        check("nupkg", args.nupkg, PLATFORMS, problems)
    archived = []
    for spec in args.archive:
        platform, _, archive = spec.partition("=")
        archived.append(platform)
        check("archive", Path(archive), [platform], problems)
    if args.archive and sorted(archived) != sorted(PLATFORMS):
        problems.append(f"CMake archives for {', '.join(archived)}; expected one each for {', '.join(PLATFORMS)}")
    npm_platforms = []
    for tarball in args.npm:
        suffix = next((s for s in NPM_PLATFORM if f"-{s}-" in tarball.name), None)
        if not suffix:
            problems.append(f"{tarball.name}: not a per-platform npm package ({', '.join(NPM_PLATFORM)})")
            continue
        npm_platforms.append(NPM_PLATFORM[suffix])
        check("npm", tarball, [NPM_PLATFORM[suffix]], problems)
    if args.npm and sorted(npm_platforms) != sorted(PLATFORMS):
        problems.append(f"npm platform packages for {', '.join(npm_platforms)}; expected one each for {', '.join(PLATFORMS)}")
    for p in problems:
        print(f"[packages] PROBLEM {p}", file=sys.stderr)
    if not problems:
        print("[packages] every package carries linux-x64, linux-arm64 and windows-x64, each file once, each for its CPU")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
