#!/usr/bin/env bash
# Installs the npm tarball into a fresh, empty folder (npm install <tarball>, offline:
# no registry is needed, no install script runs) and runs examples/node from there,
# with no Onyx environment variables. With --check, its top-5 classes must equal those
# in tests/suite/spec.txt.
#
#   consumer.sh <onyx-onnx tarball> <tests/suite folder> [--check] [platform package tarball]
# The platform package (onyx-onnx-linux-x64-gnu, an optional dependency of onyx-onnx that
# a registry would supply) is installed from its tarball beside the main one.
set -euo pipefail
tarball=$1 suite=$2 check=${3:-} platform_tarball=${4:-}
root=$(cd "$(dirname "$0")/../../.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/onyx-node-consumer-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cp "$root/examples/node/classify.js" "$root/examples/node/package.json" "$dir/"
(cd "$dir" && npm install --silent --offline --no-audit --no-fund "$tarball" ${platform_tarball:+"$platform_tarball"} >/dev/null)
if [ ! -f "$dir/node_modules/onyx-onnx-linux-x64-gnu/libonnxruntime.so.1.31.1" ]; then
  echo "onyx: [node] the tarball did not install ONNX Runtime beside the addon" >&2; exit 1
fi
cd "$dir"
if [ "$check" = --check ]; then
  env -u ONYX_ORT_LIBRARY node classify.js "$suite" | python3 "$root/tests/suite/check_top5.py" "$suite/spec.txt" node
else
  env -u ONYX_ORT_LIBRARY node classify.js "$suite"
fi
