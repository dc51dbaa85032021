#!/usr/bin/env bash
# The CMake install tree of one platform as the archive Onyx ships for it:
# onyx-<version>-<platform>.tar.gz (Linux; lib/libonyx.so.1, the libonyx.so symlink,
# lib/libonnxruntime.so.<version>) or .zip (Windows; bin/onyx.dll, bin/onnxruntime.dll,
# lib/libonyx.dll.a), each with include/, lib/cmake/Onyx, lib/pkgconfig and the licences.
#
#   cmake-archive.sh <CMake build dir> <platform> <out dir>      prints the archive's path
set -euo pipefail
build=$1 platform=$2
out=$(mkdir -p "$3" && cd "$3" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^ONYX_VERSION=//p' "$root/versions.env")
name=onyx-$version-$platform
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/$name" >/dev/null
case $platform in
  windows-*)
    rm -f "$out/$name.zip"
    (cd "$work" && python3 - "$name" "$out/$name.zip" <<'PY'
import os, sys, zipfile
name, archive = sys.argv[1:]
with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in sorted(os.walk(name)):
        for f in sorted(files):
            z.write(os.path.join(folder, f))
PY
    )
    echo "$out/$name.zip" ;;
  *)
    tar -C "$work" -czf "$out/$name.tar.gz" --owner=0 --group=0 --sort=name "$name"
    echo "$out/$name.tar.gz" ;;
esac
