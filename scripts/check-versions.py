#!/usr/bin/env python3
"""Checks every copy of a version pin against versions.env, the one source.

Make, CMake, the fetch script, core's build script and the suite generator read
versions.env themselves. The files below cannot (a Cargo.toml, a pom, a csproj, a
C# attribute, a README), so each copy is listed here with the pattern that finds it:
a copy that differs, or a listed copy that is no longer found, fails `make test`.
Beyond the list, every tracked file is scanned for the forms an ONNX Runtime pin
takes (`libonnxruntime.so.X.Y.Z`, `.cache/onnxruntime/X.Y.Z`, `onnxruntime==X.Y.Z`), and
for the forms an ONNX Runtime Extensions pin takes (`.cache/onnxruntime-extensions/X.Y.Z`,
`onnxruntime-extensions:X.Y.Z`, `onnxruntime-extensions-X.Y.Z.jar`).

    python3 scripts/check-versions.py          # check (what `make test` runs)
    python3 scripts/check-versions.py --list   # print every copy and where it is
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
V = r"(\d+\.\d+\.\d+)"

# (file, regex whose group 1 is the copy, key in versions.env)
COPIES = [
    ("Cargo.toml", r'\[workspace\.package\]\s*version = "' + V + '"', "ONYX_VERSION"),
    ("bindings/java/pom.xml", r"<artifactId>onyx</artifactId>\s*<version>" + V + "</version>", "ONYX_VERSION"),
    ("bindings/java/bench/pom.xml", r"<artifactId>onyx-bench</artifactId>\s*<version>" + V + "</version>", "ONYX_VERSION"),
    ("bindings/java/bench/pom.xml", r"<artifactId>onyx</artifactId>\s*<version>" + V + "</version>", "ONYX_VERSION"),
    ("bindings/java/bench/pom.xml", r"target/onyx-" + V + r"\.jar", "ONYX_VERSION"),
    ("examples/java/pom.xml", r"<artifactId>onyx</artifactId>\s*<version>" + V + "</version>", "ONYX_VERSION"),
    ("bindings/java/README.md", r"<artifactId>onyx</artifactId>\s*<version>" + V + "</version>", "ONYX_VERSION"),
    ("bindings/java/scripts/consumer.sh", r"dev/onyx/onyx/" + V + "/", "ONYX_VERSION"),
    ("bindings/dotnet/src/Onyx/Onyx.csproj", r"<Version>" + V + "</Version>", "ONYX_VERSION"),
    ("bindings/dotnet/src/Onyx/AssemblyInfo.cs", r'AssemblyInformationalVersion\("' + V + '"', "ONYX_VERSION"),
    ("bindings/dotnet/src/Onyx/AssemblyInfo.cs", r'AssemblyVersion\("' + V + r'\.0"', "ONYX_VERSION"),
    ("bindings/dotnet/src/Onyx/AssemblyInfo.cs", r'AssemblyFileVersion\("' + V + r'\.0"', "ONYX_VERSION"),
    ("bindings/dotnet/packaging/Onyx.nuspec", r"<version>" + V + "</version>", "ONYX_VERSION"),
    ("bindings/dotnet/README.md", r'Include="Onyx" Version="' + V + '"', "ONYX_VERSION"),
    ("examples/dotnet/OnyxExample.csproj", r'Include="Onyx" Version="' + V + '"', "ONYX_VERSION"),
    ("tests/suite/requirements.txt", r"onnxruntime==" + V, "ORT_VERSION"),
    ("tests/suite/spec.txt", r"ort_version " + V, "ORT_VERSION"),
    ("bindings/dotnet/packaging/Onyx.nuspec", r"ONNX Runtime " + V, "ORT_VERSION"),
    ("bindings/dotnet/src/Onyx/Onyx.csproj", r"ONNX Runtime " + V, "ORT_VERSION"),
    ("bindings/java/pom.xml", r"ONNX Runtime " + V, "ORT_VERSION"),
    ("bindings/node/package.json", r'"name": "onyx-onnx",\s*"version": "' + V + '"', "ONYX_VERSION"),
    # The npm platform packages (bindings/node/scripts/pack-platform.sh) have Onyx's version.
    ("bindings/node/package.json", r'"onyx-onnx-linux-x64-gnu": "' + V + '"', "ONYX_VERSION"),
    ("bindings/node/package.json", r'"onyx-onnx-linux-arm64-gnu": "' + V + '"', "ONYX_VERSION"),
    ("bindings/node/package.json", r'"onyx-onnx-win32-x64-gnu": "' + V + '"', "ONYX_VERSION"),
]

# Every SHA-256 pin is 64 hex digits and read by one of these scripts: a platform pinned
# in versions.env but never checked when fetched is a problem.
SHA256_READERS = ["scripts/fetch-onnxruntime.sh", "scripts/fetch-onnxruntime-platform.sh",
                  "scripts/fetch-onnxruntime-extensions.sh", "scripts/fetch-node-windows.sh",
                  "scripts/fetch-ocr-model.sh"]

# Forms an ONNX Runtime pin takes anywhere in the tree; each must be a pinned version.
ORT_FORMS = [r"libonnxruntime\.so\." + V, r"\.cache/onnxruntime/" + V, r"onnxruntime==" + V]
# Forms an ONNX Runtime Extensions pin takes anywhere (its cache folder, the Maven
# coordinate, the jar's name); each must be ORT_EXTENSIONS_VERSION.
ORT_EXTENSIONS_FORMS = [r"\.cache/onnxruntime-extensions/" + V, r"onnxruntime-extensions:" + V,
                        r"onnxruntime-extensions-" + V + r"\.jar"]
# Any Onyx version named in a file name anywhere (jar, nupkg).
ONYX_FORMS = [r"\bonyx-" + V + r"\.jar", r"\bOnyx\." + V + r"\.nupkg", r"dev\.onyx:onyx:" + V, r'String VERSION = "' + V + '"']


def pins():
    values = {}
    for line in (ROOT / "versions.env").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def tracked_text_files():
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        path = ROOT / name
        if path.suffix in {".f32", ".onnx", ".png", ".jar", ".so"} or not path.is_file():
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def main():
    listing = "--list" in sys.argv
    values = pins()
    problems, found = [], []
    for name, pattern, key in COPIES:
        path = ROOT / name
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        matches = list(re.finditer(pattern, text))
        if not matches:
            problems.append(f"{name}: no copy of {key} found (pattern {pattern!r}); update scripts/check-versions.py if it moved")
        for m in matches:
            line = text.count("\n", 0, m.start(1)) + 1
            found.append(f"{name}:{line}: {key} {m.group(1)}")
            if m.group(1) != values[key]:
                problems.append(f"{name}:{line}: {key} is {m.group(1)} here but {values[key]} in versions.env")
    readers = "".join((ROOT / f).read_text(encoding="utf-8") for f in SHA256_READERS if (ROOT / f).exists())
    for key, value in values.items():
        if key.endswith("_SHA256"):
            found.append(f"versions.env: {key}")
            if not re.fullmatch(r"[0-9a-f]{64}", value):
                problems.append(f"versions.env: {key} is not a SHA-256 (64 lowercase hex digits)")
            if key not in readers:
                problems.append(f"versions.env: {key} is read by none of {', '.join(SHA256_READERS)}: nothing checks it")
    ort_allowed = {values["ORT_VERSION"], values["ORT_TOO_OLD_VERSION"]}
    for name, text in tracked_text_files():
        if name == "scripts/check-versions.py":
            continue
        for forms, allowed, key in [(ORT_FORMS, ort_allowed, "ORT_VERSION"), (ONYX_FORMS, {values["ONYX_VERSION"]}, "ONYX_VERSION"),
                                    (ORT_EXTENSIONS_FORMS, {values["ORT_EXTENSIONS_VERSION"]}, "ORT_EXTENSIONS_VERSION")]:
            for pattern in forms:
                for m in re.finditer(pattern, text):
                    line = text.count("\n", 0, m.start(1)) + 1
                    found.append(f"{name}:{line}: {m.group(0)}")
                    if m.group(1) not in allowed:
                        problems.append(f"{name}:{line}: '{m.group(0)}' names {m.group(1)}, but versions.env pins {key}={values[key]}")
    if listing:
        print("\n".join(found))
    if problems:
        print("onyx: version pins differ from versions.env:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"onyx: {len(found)} copies of the version pins agree with versions.env")
    return 0


if __name__ == "__main__":
    sys.exit(main())
