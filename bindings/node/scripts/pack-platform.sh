#!/usr/bin/env bash
# Writes one per-platform npm package (napi-rs's layout: the main package `onyx-onnx`
# lists each as an optional dependency, npm installs the one whose os/cpu match):
# onyx-onnx-<suffix>/{package.json, onyx.node, ONNX Runtime, licences}, then packs it.
#
#   pack-platform.sh <suffix: linux-x64-gnu|linux-arm64-gnu|win32-x64-gnu> <addon> <ONNX Runtime folder> <ORT file> <out dir>
# Prints the tarball's path.
set -euo pipefail
suffix=$1 addon=$2 ort_dir=$3 ort_file=$4 out=$5
root=$(cd "$(dirname "$0")/../../.." && pwd)
version=$(sed -n 's/^ONYX_VERSION=//p' "$root/versions.env")
case $suffix in
  linux-x64-gnu) os=linux cpu=x64 ;;
  linux-arm64-gnu) os=linux cpu=arm64 ;;
  win32-x64-gnu) os=win32 cpu=x64 ;;
  *) echo "pack-platform.sh: unknown platform $suffix" >&2; exit 2 ;;
esac
name=onyx-onnx-$suffix
dir=$out/$name
rm -rf "$dir" && mkdir -p "$dir"
cp "$addon" "$dir/onyx.node"
cp "$ort_dir/$ort_file" "$dir/"
cp "$ort_dir/LICENSE" "$dir/LICENSE-onnxruntime.txt"
cp "$ort_dir/ThirdPartyNotices.txt" "$dir/ThirdPartyNotices-onnxruntime.txt"
cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$dir/"
libc=; [ "$os" = linux ] && libc=',
  "libc": ["glibc"]'
cat > "$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "$version",
  "description": "The native part of onyx-onnx for $os-$cpu: the N-API addon and ONNX Runtime. Install onyx-onnx, not this.",
  "main": "onyx.node",
  "license": "MIT OR Apache-2.0",
  "os": ["$os"],
  "cpu": ["$cpu"]$libc,
  "files": ["onyx.node", "$ort_file", "LICENSE-onnxruntime.txt", "ThirdPartyNotices-onnxruntime.txt", "LICENSE-MIT", "LICENSE-APACHE"]
}
JSON
(cd "$out" && rm -f "$name-$version.tgz" && npm pack --silent "./$name" >/dev/null)
echo "$out/$name-$version.tgz"
