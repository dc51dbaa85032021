#!/usr/bin/env bash
# Installs Onyx from the CMake build tree into <work>/prefix, then configures and
# builds examples/cpp in <work>/build against that prefix alone: the only thing it
# is told is -DCMAKE_PREFIX_PATH=<work>/prefix (no path into the source tree, no
# environment). Prints the example's path.
#   build-against-package.sh <cmake build dir> <work dir>
set -euo pipefail
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$work/prefix" "$work/build"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
env -u CMAKE_PREFIX_PATH -u Onyx_DIR -u ONYX_ORT_LIBRARY -u LD_LIBRARY_PATH \
  cmake -S "$here" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
echo "$work/build/classify"
