#!/usr/bin/env python3
"""Writes Onyx.<version>.nupkg as a zip, the way `dotnet pack` lays it out.

We do not use `nuget pack` (Mono's nuget 2.8) because it rejects <license> expressions
and rewrites netstandard2.0 groups (seen with Debian's nuget 2.8); a .nupkg is only a
zip with the nuspec, [Content_Types].xml and _rels/.rels at its root.

    pack.py --out build/dotnet/package/Onyx.0.1.0.nupkg --dll Onyx.dll --xml Onyx.xml \
            --native libonyx.so --native libonnxruntime.so.1.31.1 \
            --runtime linux-arm64=DIR --runtime win-x64=DIR \
            --ort-licenses DIR --readme README.md

--native files go to runtimes/linux-x64/native/; each --runtime RID=DIR puts the files
of DIR (the platform's Onyx library and ONNX Runtime, nothing else) in
runtimes/RID/native/. Every RID appears once, and a file is never in two RIDs.
"""
import argparse
import os
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CONTENT_TYPES = """<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="xml" ContentType="application/octet" />
  <Default Extension="so" ContentType="application/octet" />
  <Default Extension="1" ContentType="application/octet" />
  <Default Extension="targets" ContentType="application/octet" />
  <Default Extension="md" ContentType="application/octet" />
  <Default Extension="txt" ContentType="application/octet" />
  <Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />
  <Override PartName="/licenses/onnxruntime/LICENSE" ContentType="application/octet" />
</Types>
"""

RELS = """<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/Onyx.nuspec" Id="R0" />
</Relationships>
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--dll", required=True)
    p.add_argument("--xml", required=True)
    p.add_argument("--native", action="append", required=True)
    p.add_argument("--ort-licenses", required=True, help="folder with ONNX Runtime's LICENSE and ThirdPartyNotices.txt")
    p.add_argument("--readme", required=True)
    p.add_argument("--runtime", action="append", default=[], metavar="RID=DIR",
                   help="another platform's natives: every file of DIR goes to runtimes/RID/native/")
    a = p.parse_args()

    nuspec = (HERE / "Onyx.nuspec").read_text(encoding="utf-8")
    version = re.search(r"<version>([^<]+)</version>", nuspec).group(1)
    if not a.out.endswith(f"Onyx.{version}.nupkg"):
        raise SystemExit(f"pack.py: the nuspec says version {version}, the output is {a.out}")

    entries = [
        ("Onyx.nuspec", nuspec.encode()),
        ("[Content_Types].xml", CONTENT_TYPES.encode()),
        ("_rels/.rels", RELS.encode()),
        ("README.md", Path(a.readme).read_bytes()),
        ("lib/netstandard2.0/Onyx.dll", Path(a.dll).read_bytes()),
        ("lib/netstandard2.0/Onyx.xml", Path(a.xml).read_bytes()),
        ("build/Onyx.targets", (HERE / "Onyx.targets").read_bytes()),
        ("buildTransitive/Onyx.targets", (HERE / "Onyx.targets").read_bytes()),
        ("licenses/onnxruntime/LICENSE", (Path(a.ort_licenses) / "LICENSE").read_bytes()),
        ("licenses/onnxruntime/ThirdPartyNotices.txt", (Path(a.ort_licenses) / "ThirdPartyNotices.txt").read_bytes()),
    ]
    for native in a.native:
        entries.append((f"runtimes/linux-x64/native/{Path(native).name}", Path(native).read_bytes()))
    rids = ["linux-x64"]
    for spec in a.runtime:
        rid, _, folder = spec.partition("=")
        if not folder or rid in rids:
            raise SystemExit(f"pack.py: --runtime {spec}: expected RID=DIR, each RID once")
        rids.append(rid)
        files = sorted(f for f in Path(folder).iterdir() if f.is_file())
        if not files:
            raise SystemExit(f"pack.py: --runtime {spec}: {folder} holds no files")
        for f in files:
            entries.append((f"runtimes/{rid}/native/{f.name}", f.read_bytes()))

    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
