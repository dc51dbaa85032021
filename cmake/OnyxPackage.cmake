# Installs Onyx as a relocatable tree:
#   lib/libonyx.so.1 (the C ABI major), lib/libonyx.so -> libonyx.so.1, lib/libonnxruntime.so.<version>
#   (Windows: bin/onyx.dll, bin/onnxruntime.dll, lib/libonyx.dll.a)
#   include/onyx.h, include/onyx.hpp
#   lib/cmake/Onyx/OnyxConfig.cmake, OnyxConfigVersion.cmake   (target Onyx::onyx)
#   lib/pkgconfig/onyx.pc
#   share/doc/onyx/ (Onyx's and ONNX Runtime's licence texts)
# and writes a build-tree OnyxConfig.cmake in build/cmake, so find_package(Onyx) works
# against either. libonyx is built by cargo, not by CMake, so the config files are
# written from cmake/OnyxConfig.cmake.in rather than by install(EXPORT).
include(CMakePackageConfigHelpers)

set(ONYX_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Onyx")
set(_onyx_lib_permissions OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

if(WIN32)
  # Windows: the DLLs in bin/ (onyx.dll finds onnxruntime.dll beside itself, by absolute
  # path), the import library in lib/.
  set(ONYX_INSTALL_LIBDIR_OF_DLL "${CMAKE_INSTALL_BINDIR}")
  install(FILES "${ONYX_STAGED_LIB}" "${ONYX_STAGED_ORT}"
    DESTINATION "${CMAKE_INSTALL_BINDIR}" PERMISSIONS ${_onyx_lib_permissions})
  install(FILES "${ONYX_STAGED_IMPLIB}" DESTINATION "${CMAKE_INSTALL_LIBDIR}")
else()
  set(ONYX_INSTALL_LIBDIR_OF_DLL "${CMAKE_INSTALL_LIBDIR}")
  install(FILES "${ONYX_STAGED_LIB}" "${ONYX_STAGED_ORT}"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}" PERMISSIONS ${_onyx_lib_permissions})
  # The development name, a symlink as on any Linux system (installed as a symlink).
  install(FILES "${ONYX_STAGE_DIR}/libonyx.so" DESTINATION "${CMAKE_INSTALL_LIBDIR}")
endif()
install(FILES "${PROJECT_SOURCE_DIR}/include/onyx.h" "${PROJECT_SOURCE_DIR}/bindings/cpp/include/onyx.hpp"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

# Licences: Onyx's own (MIT OR Apache-2.0) and the texts that come with ONNX Runtime.
file(GLOB ONYX_LICENSE_FILES "${PROJECT_SOURCE_DIR}/LICENSE*" "${PROJECT_SOURCE_DIR}/COPYING*")
if(ONYX_LICENSE_FILES)
  install(FILES ${ONYX_LICENSE_FILES} DESTINATION "${CMAKE_INSTALL_DOCDIR}")
else()
  set(_onyx_licence "${PROJECT_BINARY_DIR}/LICENSE")
  file(WRITE "${_onyx_licence}" "Onyx ${PROJECT_VERSION} is licensed under MIT OR Apache-2.0, at your option.\n")
  install(FILES "${_onyx_licence}" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
endif()
install(FILES "${ONYX_ORT_DIR}/LICENSE" "${ONYX_ORT_DIR}/ThirdPartyNotices.txt"
  DESTINATION "${CMAKE_INSTALL_DOCDIR}/onnxruntime" OPTIONAL)

# Install tree: every path is computed from the config file's own folder (relocatable).
set(ONYX_CONFIG_LIBRARY "\${PACKAGE_PREFIX_DIR}/${ONYX_INSTALL_LIBDIR_OF_DLL}/${ONYX_SONAME}")
if(WIN32)
  set(ONYX_CONFIG_IMPLIB "\${PACKAGE_PREFIX_DIR}/${CMAKE_INSTALL_LIBDIR}/libonyx.dll.a")
endif()
set(ONYX_CONFIG_INCLUDE_DIRS "\${PACKAGE_PREFIX_DIR}/${CMAKE_INSTALL_INCLUDEDIR}")
configure_package_config_file(cmake/OnyxConfig.cmake.in
  "${PROJECT_BINARY_DIR}/install-config/OnyxConfig.cmake"
  INSTALL_DESTINATION "${ONYX_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/OnyxConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/install-config/OnyxConfig.cmake" "${PROJECT_BINARY_DIR}/OnyxConfigVersion.cmake"
  DESTINATION "${ONYX_INSTALL_CMAKEDIR}")

# Build tree: the staged library and the headers in the source tree, absolute paths.
set(ONYX_CONFIG_LIBRARY "${ONYX_STAGED_LIB}")
if(WIN32)
  set(ONYX_CONFIG_IMPLIB "${ONYX_STAGED_IMPLIB}")
endif()
set(ONYX_CONFIG_INCLUDE_DIRS "${PROJECT_SOURCE_DIR}/include;${PROJECT_SOURCE_DIR}/bindings/cpp/include")
configure_package_config_file(cmake/OnyxConfig.cmake.in
  "${PROJECT_BINARY_DIR}/OnyxConfig.cmake"
  INSTALL_DESTINATION "${PROJECT_BINARY_DIR}" INSTALL_PREFIX "${PROJECT_BINARY_DIR}")

# pkg-config, relocatable through ${pcfiledir}.
file(RELATIVE_PATH ONYX_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(cmake/onyx.pc.in "${PROJECT_BINARY_DIR}/onyx.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/onyx.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
