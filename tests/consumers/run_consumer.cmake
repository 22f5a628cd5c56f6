# ctest driver: build a consumer project the way users would and run it.
#   MODE=find_package: install this build tree into a temporary prefix, then find_package(tms) from there.
#   MODE=add_subdirectory: add the source tree with add_subdirectory.
#   MODE=fetch_content: FetchContent_Declare(tms SOURCE_DIR <source tree>) + FetchContent_MakeAvailable.
# Inputs: MODE, TMS_SOURCE_DIR, TMS_BINARY_DIR, WORK_DIR.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "command failed (${result}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()
set(consumer "${CMAKE_CURRENT_LIST_DIR}/${MODE}")
if(MODE STREQUAL "find_package")
  # The whole install, as a user runs it (the CLI is installed if it was built, skipped if not).
  run(${CMAKE_COMMAND} --install "${TMS_BINARY_DIR}" --prefix "${WORK_DIR}/prefix")
  if(NOT EXISTS "${WORK_DIR}/prefix/share/cmake/tms/tmsConfig.cmake")
    message(FATAL_ERROR "install did not produce share/cmake/tms/tmsConfig.cmake")
  endif()
  run(${CMAKE_COMMAND} -S "${consumer}" -B "${WORK_DIR}/build" -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
      -DCMAKE_BUILD_TYPE=Release)
else()
  run(${CMAKE_COMMAND} -S "${consumer}" -B "${WORK_DIR}/build" -DTMS_SOURCE_DIR=${TMS_SOURCE_DIR}
      -DCMAKE_BUILD_TYPE=Release)
endif()
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
if(EXISTS "${WORK_DIR}/build/consumer_precompiled")
  run("${WORK_DIR}/build/consumer_precompiled")
endif()
