# Builds libonyx with cargo and stages it, with the pinned ONNX Runtime, in
# ${ONYX_STAGE_DIR}: on Linux build/cmake/lib holds libonyx.so.<ABI major> (its SONAME, set
# by ffi/build.rs), a libonyx.so symlink, and libonnxruntime.so.<version>; on Windows
# <build>/bin holds onyx.dll and onnxruntime.dll (and the test programs, so they find
# onyx.dll beside them), <build>/lib the import library libonyx.dll.a. Programs linked
# against the staged library find ONNX Runtime through libonyx's same-folder lookup,
# with no environment variable. Defines the target Onyx::onyx (C and C++ usage).
#
# Cross builds (cmake/toolchains/*.cmake) set ONYX_RUST_TARGET (cargo's target triple)
# and ONYX_PLATFORM (linux-arm64, windows-x64); the native build is linux-x64.

set(ONYX_ORT_VERSION ${ONYX_PIN_ORT_VERSION})
set(ONYX_RUST_TARGET "" CACHE STRING "cargo --target for libonyx (empty: the host)")
set(ONYX_PLATFORM "linux-x64" CACHE STRING "Onyx platform name: linux-x64, linux-arm64, windows-x64")
# The SONAME carries the C ABI major, as onyx.h defines it (ffi/build.rs sets the same).
file(STRINGS "${PROJECT_SOURCE_DIR}/include/onyx.h" ONYX_ABI_MAJOR_LINE REGEX "^#define ONYX_ABI_VERSION_MAJOR ")
string(REGEX REPLACE "^#define ONYX_ABI_VERSION_MAJOR ([0-9]+).*" "\\1" ONYX_ABI_MAJOR "${ONYX_ABI_MAJOR_LINE}")
set(ONYX_CARGO_TARGET_DIR "${PROJECT_SOURCE_DIR}/target")
if(ONYX_RUST_TARGET)
  set(ONYX_CARGO_TARGET_ARGS --target ${ONYX_RUST_TARGET})
  set(ONYX_CARGO_OUT "${ONYX_CARGO_TARGET_DIR}/${ONYX_RUST_TARGET}/release")
else()
  set(ONYX_CARGO_TARGET_ARGS "")
  set(ONYX_CARGO_OUT "${ONYX_CARGO_TARGET_DIR}/release")
endif()
if(ONYX_PLATFORM STREQUAL "linux-x64")
  set(ONYX_ORT_DIR "${PROJECT_SOURCE_DIR}/.cache/onnxruntime/${ONYX_ORT_VERSION}")
else()
  set(ONYX_ORT_DIR "${PROJECT_SOURCE_DIR}/.cache/onnxruntime/${ONYX_ORT_VERSION}/${ONYX_PLATFORM}")
endif()
if(WIN32)
  set(ONYX_ORT_FILE "onnxruntime.dll")
  set(ONYX_SONAME "onyx.dll")
  set(ONYX_CARGO_LIB "${ONYX_CARGO_OUT}/onyx.dll")
  set(ONYX_STAGE_DIR "${PROJECT_BINARY_DIR}/bin")
  set(ONYX_CARGO_IMPLIB "${ONYX_CARGO_OUT}/libonyx.dll.a")
  set(ONYX_STAGED_IMPLIB "${PROJECT_BINARY_DIR}/lib/libonyx.dll.a")
  # Test programs beside onyx.dll: Windows finds a program's DLLs in its own folder.
  set(CMAKE_RUNTIME_OUTPUT_DIRECTORY "${ONYX_STAGE_DIR}")
else()
  set(ONYX_ORT_FILE "libonnxruntime.so.${ONYX_ORT_VERSION}")
  set(ONYX_SONAME "libonyx.so.${ONYX_ABI_MAJOR}")
  set(ONYX_CARGO_LIB "${ONYX_CARGO_OUT}/libonyx.so")
  set(ONYX_STAGE_DIR "${PROJECT_BINARY_DIR}/lib")
endif()
set(ONYX_STAGED_LIB "${ONYX_STAGE_DIR}/${ONYX_SONAME}")
set(ONYX_STAGED_ORT "${ONYX_STAGE_DIR}/${ONYX_ORT_FILE}")

find_program(CARGO cargo HINTS "$ENV{HOME}/.cargo/bin" REQUIRED)

# What cargo reads to build onyx-ffi. Cargo decides for itself what to recompile; this
# list only tells ninja when to ask it, so an unchanged tree is "no work to do".
file(GLOB_RECURSE ONYX_RUST_INPUTS CONFIGURE_DEPENDS
  "${PROJECT_SOURCE_DIR}/core/src/*.rs"
  "${PROJECT_SOURCE_DIR}/boundary/src/*.rs"
  "${PROJECT_SOURCE_DIR}/ffi/src/*.rs")
list(APPEND ONYX_RUST_INPUTS
  "${PROJECT_SOURCE_DIR}/Cargo.toml" "${PROJECT_SOURCE_DIR}/Cargo.lock" "${PROJECT_SOURCE_DIR}/versions.env"
  "${PROJECT_SOURCE_DIR}/core/Cargo.toml" "${PROJECT_SOURCE_DIR}/core/build.rs"
  "${PROJECT_SOURCE_DIR}/boundary/Cargo.toml"
  "${PROJECT_SOURCE_DIR}/ffi/Cargo.toml" "${PROJECT_SOURCE_DIR}/ffi/build.rs")

# The same command as `make lib`, so cargo's cache is shared and neither rebuilds the
# other's work. The stamp is always touched; the staged library is only replaced
# when cargo produced different bytes, and ninja's restat then skips relinking.
set(ONYX_CARGO_STAMP "${PROJECT_BINARY_DIR}/onyx_cargo.stamp")
if(WIN32)
  # The import library (libonyx.dll.a) is what a program links.
  set(ONYX_STAGE_DEVLINK
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${PROJECT_BINARY_DIR}/lib"
    COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${ONYX_CARGO_IMPLIB}" "${ONYX_STAGED_IMPLIB}")
else()
  set(ONYX_STAGE_DEVLINK COMMAND "${CMAKE_COMMAND}" -E create_symlink "${ONYX_SONAME}" "${ONYX_STAGE_DIR}/libonyx.so")
endif()
add_custom_command(
  OUTPUT "${ONYX_CARGO_STAMP}" "${ONYX_STAGED_LIB}" ${ONYX_STAGED_IMPLIB}
  COMMAND "${CMAKE_COMMAND}" -E env CARGO_TARGET_DIR=${ONYX_CARGO_TARGET_DIR}
          "${CARGO}" build --quiet --release ${ONYX_CARGO_TARGET_ARGS} -p onyx-ffi
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${ONYX_STAGE_DIR}"
  COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${ONYX_CARGO_LIB}" "${ONYX_STAGED_LIB}"
  ${ONYX_STAGE_DEVLINK}
  COMMAND "${CMAKE_COMMAND}" -E touch "${ONYX_CARGO_STAMP}"
  DEPENDS ${ONYX_RUST_INPUTS}
  WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
  COMMENT "Building libonyx (cargo build --release ${ONYX_CARGO_TARGET_ARGS} -p onyx-ffi)"
  USES_TERMINAL
  VERBATIM)

# The pinned ONNX Runtime (`make ort` fetches it; the script is quiet when it is there).
add_custom_command(
  OUTPUT "${ONYX_STAGED_ORT}"
  COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/fetch-onnxruntime-platform.sh" "${ONYX_PLATFORM}"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${ONYX_STAGE_DIR}"
  COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${ONYX_ORT_DIR}/${ONYX_ORT_FILE}" "${ONYX_STAGED_ORT}"
  DEPENDS "${PROJECT_SOURCE_DIR}/scripts/fetch-onnxruntime.sh" "${PROJECT_SOURCE_DIR}/scripts/fetch-onnxruntime-platform.sh"
  COMMENT "Staging ONNX Runtime ${ONYX_ORT_VERSION} beside libonyx"
  VERBATIM)

add_custom_target(onyx_rust ALL DEPENDS "${ONYX_CARGO_STAMP}" "${ONYX_STAGED_LIB}" "${ONYX_STAGED_ORT}")

# The library itself, as CMake sees a prebuilt shared library. Linking it records
# libonyx.so.<ABI major> (the SONAME) and puts build/cmake/lib on the program's RPATH.
add_library(onyx_shared SHARED IMPORTED GLOBAL)
if(WIN32)
  set_target_properties(onyx_shared PROPERTIES
    IMPORTED_LOCATION "${ONYX_STAGED_LIB}"
    IMPORTED_IMPLIB "${ONYX_STAGED_IMPLIB}")
else()
  set_target_properties(onyx_shared PROPERTIES
    IMPORTED_LOCATION "${ONYX_STAGED_LIB}"
    IMPORTED_SONAME "${ONYX_SONAME}")
endif()

# Onyx::onyx, the same name the installed package exports: the library, onyx.h and
# onyx.hpp. An interface library so it can carry the dependency on the cargo build.
add_library(onyx INTERFACE)
target_link_libraries(onyx INTERFACE onyx_shared)
target_include_directories(onyx INTERFACE
  "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>"
  "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/bindings/cpp/include>")
add_dependencies(onyx onyx_rust)
add_library(Onyx::onyx ALIAS onyx)
