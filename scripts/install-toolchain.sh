#!/usr/bin/env bash
# Installs the tools `make` needs that a fresh machine may lack, and says so.
# Debian packages need root (CI runs as root); without it we only report.
set -euo pipefail

missing_debs=()
need_deb() { command -v "$1" >/dev/null 2>&1 || missing_debs+=("$2"); }
need_deb cmake cmake
need_deb ninja ninja-build
need_deb g++ g++
need_deb javac default-jdk-headless
need_deb mvn maven
need_deb mcs mono-devel
need_deb nunit-console nunit-console
need_deb nuget nuget
need_deb nm binutils          # the Java test that reads libonyx_jni.so's exports
need_deb valgrind valgrind    # make test-hardening: memcheck over the C suite
need_deb node nodejs          # machines of this kind have Node 20; Debian's is a fallback
need_deb npm npm
# Other platforms (mk/platforms.mk): cross compilers, and the emulators the tests run
# their suites under (qemu-user for linux-arm64, Wine for windows-x64).
need_deb aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
need_deb aarch64-linux-gnu-g++ g++-aarch64-linux-gnu
need_deb x86_64-w64-mingw32-gcc mingw-w64
need_deb x86_64-w64-mingw32-g++ mingw-w64
need_deb qemu-aarch64-static qemu-user-static
[ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null 2>&1 || missing_debs+=(wine64)
need_deb unshare util-linux
[ -f /usr/include/gtest/gtest.h ] || missing_debs+=(libgtest-dev)
dpkg -s libnunit-cil-dev >/dev/null 2>&1 || missing_debs+=(libnunit-cil-dev)
[ -f /usr/share/i18n/locales/en_US ] || missing_debs+=(locales)   # en_US.UTF-8 for the conformance cases (StringNormalizer)
# The font the suite's OCR inputs are rendered in (tests/suite/real_models.py).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing_debs+=(fonts-dejavu-core)

if [ ${#missing_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "onyx: installing Debian packages: ${missing_debs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing_debs[@]}" >/dev/null
  else
    echo "onyx: missing Debian packages (run as root to install): ${missing_debs[*]}" >&2
    exit 1
  fi
fi

# The Rust standard libraries of the other platforms' targets.
missing_targets=()
installed_targets=$(rustup target list --installed 2>/dev/null || true)
for target in aarch64-unknown-linux-gnu x86_64-pc-windows-gnu; do
  grep -qx "$target" <<<"$installed_targets" || missing_targets+=("$target")
done
if [ ${#missing_targets[@]} -gt 0 ]; then
  echo "onyx: installing Rust targets: ${missing_targets[*]} (rustup target add)"
  rustup target add "${missing_targets[@]}" >/dev/null 2>&1 || { rustup target add "${missing_targets[@]}"; exit 1; }
fi

if ! command -v cbindgen >/dev/null 2>&1; then
  echo "onyx: installing cbindgen 0.29.4 (cargo install; about a minute)"
  cargo install --quiet --locked cbindgen --version 0.29.4
fi
