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

# shellcheck source=ort-wheel.sh
source "$root/scripts/ort-wheel.sh"
ort_from_wheel "$VERSION" manylinux_2_28_x86_64 "$LIB" "$SHA256" "$root/.cache/onnxruntime/$VERSION" "for linux-x64"
