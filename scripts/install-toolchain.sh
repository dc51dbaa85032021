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
[ -f /usr/include/gtest/gtest.h ] || missing_debs+=(libgtest-dev)
dpkg -s libnunit-cil-dev >/dev/null 2>&1 || missing_debs+=(libnunit-cil-dev)

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

if ! command -v cbindgen >/dev/null 2>&1; then
  echo "onyx: installing cbindgen 0.29.4 (cargo install; about a minute)"
  cargo install --quiet --locked cbindgen --version 0.29.4
fi
