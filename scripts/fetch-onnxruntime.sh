#!/usr/bin/env bash
# Places Microsoft's ONNX Runtime build in .cache/onnxruntime/<version>/: the pinned
# ORT_VERSION of versions.env by default; `fetch-onnxruntime.sh <ORT_TOO_OLD_VERSION>` fetches the too-old release the
# tests use to prove Onyx refuses it. The only reachable source is the `onnxruntime`
# wheel on PyPI, which carries the shared library; we take the library and its
# licence texts out of it and check the library's SHA-256. Idempotent: quiet when the
# checked file is already there.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$root/versions.env"
VERSION=${1:-$ORT_VERSION}
case $VERSION in
  "$ORT_VERSION") SHA256=$ORT_LINUX_X64_SHA256 ;;
  "$ORT_TOO_OLD_VERSION") SHA256=$ORT_TOO_OLD_LINUX_X64_SHA256 ;;
  *) echo "onyx: no pinned SHA-256 for ONNX Runtime $VERSION (versions.env)" >&2; exit 2 ;;
esac
LIB=libonnxruntime.so.$VERSION

dest=$root/.cache/onnxruntime/$VERSION

if [ -f "$dest/$LIB" ] && echo "$SHA256  $dest/$LIB" | sha256sum --check --status; then
  exit 0
fi

echo "onyx: fetching ONNX Runtime $VERSION (Microsoft's build, from the onnxruntime wheel on PyPI) into $dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: \
  --platform manylinux_2_28_x86_64 --python-version 311 --implementation cp \
  "onnxruntime==$VERSION" -d "$work"
wheel=$(ls "$work"/onnxruntime-"$VERSION"-*.whl)
mkdir -p "$dest"
python3 - "$wheel" "$dest" "$LIB" <<'PY'
import sys, zipfile
wheel, dest, lib = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for member, name in [(f"onnxruntime/capi/{lib}", lib),
                         ("onnxruntime/LICENSE", "LICENSE"),
                         ("onnxruntime/ThirdPartyNotices.txt", "ThirdPartyNotices.txt")]:
        with open(f"{dest}/{name}.part", "wb") as out:
            out.write(z.read(member))
PY
if ! echo "$SHA256  $dest/$LIB.part" | sha256sum --check --status; then
  echo "onyx: $LIB from the wheel does not have the pinned SHA-256 $SHA256" >&2
  rm -f "$dest"/*.part
  exit 1
fi
for f in "$LIB" LICENSE ThirdPartyNotices.txt; do mv "$dest/$f.part" "$dest/$f"; done
echo "onyx: ONNX Runtime $VERSION ready: $dest/$LIB"
