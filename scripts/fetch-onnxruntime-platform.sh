#!/usr/bin/env bash
# Places Microsoft's ONNX Runtime $ORT_VERSION for another platform in
# .cache/onnxruntime/<version>/<platform>/, as fetch-onnxruntime.sh does for linux-x64:
#
#   fetch-onnxruntime-platform.sh linux-arm64    libonnxruntime.so.<version> (manylinux_2_28_aarch64 wheel)
#   fetch-onnxruntime-platform.sh windows-x64    onnxruntime.dll (win_amd64 wheel), and
#                                                ONNX Runtime Extensions' win-x64 DLL for the tests
#   fetch-onnxruntime-platform.sh linux-x64      the same as fetch-onnxruntime.sh
#
# The only reachable source is the `onnxruntime` wheel on PyPI; we take the library and
# its licence texts out of it and check the library's SHA-256 against versions.env.
# Idempotent: quiet when the checked files are already there.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$root/versions.env"
PLATFORM=${1:?usage: fetch-onnxruntime-platform.sh linux-x64|linux-arm64|windows-x64}
case $PLATFORM in
  linux-x64) exec bash "$root/scripts/fetch-onnxruntime.sh" ;;
  linux-arm64) TAG=manylinux_2_28_aarch64; LIB=libonnxruntime.so.$ORT_VERSION; SHA256=$ORT_LINUX_ARM64_SHA256 ;;
  windows-x64) TAG=win_amd64; LIB=onnxruntime.dll; SHA256=$ORT_WINDOWS_X64_SHA256 ;;
  *) echo "onyx: unknown platform '$PLATFORM' (linux-x64, linux-arm64, windows-x64)" >&2; exit 2 ;;
esac
dest=$root/.cache/onnxruntime/$ORT_VERSION/$PLATFORM

have() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --status; }

if ! have "$dest/$LIB" "$SHA256"; then
  echo "onyx: fetching ONNX Runtime $ORT_VERSION for $PLATFORM (Microsoft's build, from the $TAG onnxruntime wheel on PyPI) into $dest"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform "$TAG" --python-version 311 --implementation cp \
    "onnxruntime==$ORT_VERSION" -d "$work"
  wheel=$(ls "$work"/onnxruntime-"$ORT_VERSION"-*.whl)
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
  if ! have "$dest/$LIB.part" "$SHA256"; then
    echo "onyx: $LIB from the $TAG wheel does not have the pinned SHA-256 $SHA256 (versions.env)" >&2
    rm -f "$dest"/*.part
    exit 1
  fi
  for f in "$LIB" LICENSE ThirdPartyNotices.txt; do mv "$dest/$f.part" "$dest/$f"; done
  echo "onyx: ONNX Runtime $ORT_VERSION for $PLATFORM ready: $dest/$LIB"
fi

# The tests' second custom-op library on Windows: ONNX Runtime Extensions' win-x64 DLL
# from the same Maven Central jar as the linux-x64 one (its SHA-256 is checked there).
if [ "$PLATFORM" = windows-x64 ]; then
  ext=$root/.cache/onnxruntime-extensions/$ORT_EXTENSIONS_VERSION/$PLATFORM
  EXT_LIB=onnxruntime_extensions4j_jni.dll
  if ! have "$ext/$EXT_LIB" "$ORT_EXTENSIONS_WINDOWS_X64_SHA256"; then
    echo "onyx: fetching ONNX Runtime Extensions $ORT_EXTENSIONS_VERSION for $PLATFORM (Maven Central jar) into $ext"
    ONYX_EXTENSIONS_MEMBER=ai/onnxruntime/extensions/native/win-x64/$EXT_LIB \
    ONYX_EXTENSIONS_SHA256=$ORT_EXTENSIONS_WINDOWS_X64_SHA256 ONYX_EXTENSIONS_DEST=$ext \
      bash "$root/scripts/fetch-onnxruntime-extensions.sh"
  fi
fi
