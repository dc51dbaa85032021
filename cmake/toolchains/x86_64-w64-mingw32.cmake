# Cross build for windows-x64 (x86_64-pc-windows-gnu) with Debian's MinGW-w64 (mingw-w64):
#
#   cmake -S . -B build/platforms/windows-x64/cmake -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/x86_64-w64-mingw32.cmake
#
# Onyx's own build reads ONYX_RUST_TARGET and ONYX_PLATFORM (cargo builds onyx.dll for the
# target, Microsoft's onnxruntime.dll is staged beside it in bin/); a project that only
# consumes an installed Onyx package can use this file as it is. ctest runs the test
# programs through tests/platforms/wine-win64.sh (wine64) when the file is there.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
# The POSIX-thread variants: Debian's default (win32 threads) has no std::mutex or
# std::thread, which onyx.hpp uses; -static below links their winpthreads in.
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# Programs carry MinGW's C and C++ runtimes inside them, so they need no DLL but onyx.dll.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++ -static")

set(ONYX_RUST_TARGET x86_64-pc-windows-gnu CACHE STRING "cargo --target for libonyx")
set(ONYX_PLATFORM windows-x64 CACHE STRING "Onyx platform name")
get_filename_component(_onyx_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
if(EXISTS "${_onyx_root}/tests/platforms/wine-win64.sh")
  set(CMAKE_CROSSCOMPILING_EMULATOR "${_onyx_root}/tests/platforms/wine-win64.sh")
endif()
# clock_gettime and the pthread functions the C suite uses come from winpthreads.
set(CMAKE_C_STANDARD_LIBRARIES "-lpthread -lkernel32 -luser32 -ladvapi32" CACHE STRING "MinGW: winpthreads (clock_gettime, pthreads)")
set(CMAKE_CXX_STANDARD_LIBRARIES "-lpthread -lkernel32 -luser32 -ladvapi32" CACHE STRING "MinGW: winpthreads (clock_gettime, pthreads)")
