#!/usr/bin/env bash
# A program built against one platform's Onyx archive alone, as a user of that archive
# builds it: the archive is unpacked into a fresh folder, examples/cpp is configured with
# find_package(Onyx) and only -DCMAKE_PREFIX_PATH=<unpacked archive> (plus the platform's
# toolchain file when it is not this machine's), built, and run, under the platform's
# emulator, with no Onyx environment variable; its top-5 must be spec.txt's.
#
#   cmake-consumer.sh <platform> <archive> <tests/suite folder> [toolchain file] [emulator]
set -euo pipefail
platform=$1 archive=$2 suite=$3 toolchain=${4:-} emulator=${5:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $archive in
  *.zip) python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$work" ;;
  *) tar -C "$work" -xzf "$archive" ;;
esac
prefix=$(echo "$work"/onyx-*)
env -u CMAKE_PREFIX_PATH -u Onyx_DIR -u ONYX_ORT_LIBRARY -u LD_LIBRARY_PATH \
  cmake -S "$root/examples/cpp" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  ${toolchain:+-DCMAKE_TOOLCHAIN_FILE=$toolchain} -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" 2>&1 \
  || { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
exe=$work/build/classify
case $platform in
  windows-*)
    exe=$exe.exe
    # Windows finds onyx.dll on PATH (the archive's bin/); onyx.dll then loads
    # onnxruntime.dll beside itself, by absolute path.
    export WINEPATH
    WINEPATH="Z:$(echo "$prefix/bin" | tr / '\\')" ;;
esac
echo "onyx: [cpp-$platform] examples/cpp built against $(basename "$archive") alone; running it${emulator:+ under $(basename "$emulator")}"
env -u ONYX_ORT_LIBRARY -u LD_LIBRARY_PATH ${emulator:+"$emulator"} "$exe" "$suite" 2>"$work/stderr.log" \
  | python3 "$root/tests/suite/check_top5.py" "$suite/spec.txt" "cpp-$platform" \
  || { grep -v 'DXGI\|cpuinfo' "$work/stderr.log" | tail -10 >&2; exit 1; }
