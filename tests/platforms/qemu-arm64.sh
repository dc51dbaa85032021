#!/usr/bin/env bash
# Runs an aarch64 Linux program (and every aarch64 program it starts) under
# qemu-aarch64-static, for the tests only; nothing here ships in a package.
#
#   tests/platforms/qemu-arm64.sh <program> [args...]
#
# Two work-arounds, both inside a private user + mount namespace (unshare), so the
# host is left as it was:
# - ONNX Runtime's CPU detection (cpuinfo) crashes under qemu-user 7.2 right after
#   reading the host's /sys/devices/system/cpu/*/cache files: an aarch64 /proc/cpuinfo
#   (cpuinfo-arm64.txt, a two-core Cortex-A72, the CPU qemu emulates: QEMU_CPU) is bind-mounted over the host's, and
#   /sys/devices/system/cpu is replaced by a folder holding only `possible` and
#   `present`. ONNX Runtime then prints one cpuinfo warning and runs.
# - Programs the suites start themselves (a child process that loads ONNX Runtime
#   alone) are aarch64 binaries too: binfmt_misc, private to the namespace since
#   Linux 6.7, hands them to qemu (flag F: the interpreter is opened at registration).
#   QEMU_LD_PREFIX points qemu at Debian's aarch64 libc (libc6-arm64-cross).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <aarch64 program> [args...]" >&2; exit 2; }
QEMU=${ONYX_QEMU_AARCH64:-$(command -v qemu-aarch64-static || true)}
[ -x "$QEMU" ] || { echo "onyx: qemu-aarch64-static not found (Debian package qemu-user-static)" >&2; exit 2; }
# Cortex-A72 (ARMv8.0, NEON, no SVE): ResNet18 runs ~15 % faster under qemu than on its
# default "max" CPU, whose SVE and SME paths qemu emulates lane by lane.
export QEMU_CPU=${QEMU_CPU:-cortex-a72}
export QEMU_LD_PREFIX=${QEMU_LD_PREFIX:-/usr/aarch64-linux-gnu}
export ONYX_QEMU_AARCH64=$QEMU ONYX_PLATFORMS_DIR=$here

exec unshare --user --map-root-user --mount --propagation private bash -c '
set -e
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
printf "%s" ":qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:$ONYX_QEMU_AARCH64:F" \
  > /proc/sys/fs/binfmt_misc/register
mount --bind "$ONYX_PLATFORMS_DIR/cpuinfo-arm64.txt" /proc/cpuinfo
mount -t tmpfs -o size=64k onyx-cpu /sys/devices/system/cpu
echo 0-1 > /sys/devices/system/cpu/possible
echo 0-1 > /sys/devices/system/cpu/present
exec "$@"' onyx-qemu "$@"
