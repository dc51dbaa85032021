# CTest script: find_package(Onyx) against the build tree (build/cmake/OnyxConfig.cmake),
# as a project that adds Onyx's build folder to CMAKE_PREFIX_PATH does. Configures and
# builds examples/cpp in WORK, runs it, checks its top-5 against spec.txt.
#   cmake -DONYX_BUILD=... -DEXAMPLE=... -DSUITE=... -DWORK=... -DPYTHON=... -P build_tree_package.cmake
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${output}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK}")
run("${CMAKE_COMMAND}" -S "${EXAMPLE}" -B "${WORK}" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${ONYX_BUILD}")
run("${CMAKE_COMMAND}" --build "${WORK}")
execute_process(COMMAND "${WORK}/classify" "${SUITE}" RESULT_VARIABLE result OUTPUT_FILE "${WORK}/output.txt")
file(READ "${WORK}/output.txt" output)
message("${output}")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "classify failed (${result})")
endif()
execute_process(COMMAND "${PYTHON}" "${SUITE}/check_top5.py" "${SUITE}/spec.txt" cpp INPUT_FILE "${WORK}/output.txt"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "top-5 differs from spec.txt")
endif()
