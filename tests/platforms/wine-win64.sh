#!/usr/bin/env bash
# Runs a Windows x64 program under Wine (Debian's wine64), for the tests only; nothing
# here ships in a package.
#
#   tests/platforms/wine-win64.sh <program.exe> [args...]
#
# - Its own Wine prefix, build/platforms/wine (ONYX_WINEPREFIX to change it), created on
#   first use (about 10 s); WINEDEBUG=-all keeps Wine's own chatter out of the logs.
# - Wine 8.0 has no bcryptprimitives.dll, from which Rust's standard library imports
#   ProcessPrng: processprng-shim.c, built with mingw into the prefix's system32, gives
#   it one that calls RtlGenRandom. Programs and packages are left as they are.
# - "Failed to create DXGI factory" on stderr is ONNX Runtime probing for GPUs: harmless.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <program.exe> [args...]" >&2; exit 2; }
WINE=${ONYX_WINE:-$( [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64 || command -v wine64 || command -v wine || true)}
[ -n "$WINE" ] && [ -x "$WINE" ] || { echo "onyx: wine64 not found (Debian package wine64)" >&2; exit 2; }
export WINEPREFIX=${ONYX_WINEPREFIX:-$root/build/platforms/wine}
export WINEDEBUG=${WINEDEBUG:--all}
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}  # no Mono/Gecko installer prompts

shim=$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll
if [ ! -f "$shim" ] || [ "$here/processprng-shim.c" -nt "$shim" ]; then
  mkdir -p "$(dirname "$WINEPREFIX")"
  (
    # One set-up at a time: several suites may start in parallel.
    exec 9>"$WINEPREFIX.lock"
    flock 9
    if [ ! -f "$shim" ] || [ "$here/processprng-shim.c" -nt "$shim" ]; then
      [ -d "$WINEPREFIX/drive_c/windows/system32" ] || { echo "onyx: creating the Wine prefix $WINEPREFIX (once, ~10 s)" >&2; "$WINE" wineboot --init >/dev/null 2>&1 || true; "${WINE%64}server" -w 2>/dev/null || wineserver -w || true; }
      x86_64-w64-mingw32-gcc -shared -O2 -o "$shim.part" "$here/processprng-shim.c" "$here/processprng-shim.def" -ladvapi32
      mv "$shim.part" "$shim"
    fi
  )
fi
exec "$WINE" "$@"
