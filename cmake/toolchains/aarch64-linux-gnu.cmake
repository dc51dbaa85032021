# Cross build for linux-arm64 (aarch64-unknown-linux-gnu) with Debian's cross compilers
# (gcc-aarch64-linux-gnu, g++-aarch64-linux-gnu):
#
#   cmake -S . -B build/platforms/linux-arm64/cmake -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#
# Onyx's own build reads ONYX_RUST_TARGET and ONYX_PLATFORM (cargo builds libonyx for the
# target, the linux-arm64 ONNX Runtime is staged beside it); a project that only consumes
# an installed Onyx package can use this file as it is. ctest runs the test programs
# through tests/platforms/qemu-arm64.sh (qemu-user-static) when the file is there.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Packages (Onyx's own archive) come from CMAKE_PREFIX_PATH wherever it points.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

set(ONYX_RUST_TARGET aarch64-unknown-linux-gnu CACHE STRING "cargo --target for libonyx")
set(ONYX_PLATFORM linux-arm64 CACHE STRING "Onyx platform name")
get_filename_component(_onyx_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
if(EXISTS "${_onyx_root}/tests/platforms/qemu-arm64.sh")
  set(CMAKE_CROSSCOMPILING_EMULATOR "${_onyx_root}/tests/platforms/qemu-arm64.sh")
endif()
