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
# shellcheck source=ort-wheel.sh
source "$root/scripts/ort-wheel.sh"
ort_from_wheel "$ORT_VERSION" "$TAG" "$LIB" "$SHA256" "$root/.cache/onnxruntime/$ORT_VERSION/$PLATFORM" "for $PLATFORM"

# The tests' second custom-op library on Windows: ONNX Runtime Extensions' win-x64 DLL
# from the same Maven Central jar as the linux-x64 one (its SHA-256 is checked there).
if [ "$PLATFORM" = windows-x64 ]; then
  ext=$root/.cache/onnxruntime-extensions/$ORT_EXTENSIONS_VERSION/$PLATFORM
  EXT_LIB=onnxruntime_extensions4j_jni.dll
  if ! ort_have "$ext/$EXT_LIB" "$ORT_EXTENSIONS_WINDOWS_X64_SHA256"; then
    echo "onyx: fetching ONNX Runtime Extensions $ORT_EXTENSIONS_VERSION for $PLATFORM (Maven Central jar) into $ext"
    ONYX_EXTENSIONS_MEMBER=ai/onnxruntime/extensions/native/win-x64/$EXT_LIB \
    ONYX_EXTENSIONS_SHA256=$ORT_EXTENSIONS_WINDOWS_X64_SHA256 ONYX_EXTENSIONS_DEST=$ext \
      bash "$root/scripts/fetch-onnxruntime-extensions.sh"
  fi
fi
