# Installs the build tree into a scratch prefix, then configures, builds and runs
# examples/consumer against it with nothing but find_package(faultline CONFIG).
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/consumer -B ${WORK_DIR}/build -G Ninja
  -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
if(NOT last_output MATCHES "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470" OR
   NOT last_output MATCHES "backends       = riscv64, mips32" OR
   NOT last_output MATCHES "address of key 1 = 0x7e5f4552091a69125d5dfcb7b8c2659029395bdf")
  message(FATAL_ERROR "consumer printed an unexpected digest: ${last_output}")
endif()
message(STATUS "${last_output}")
