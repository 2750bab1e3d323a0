# Runs a Solidity generator on a copy of its template with FROM replaced by TO, and checks that
# it fails with a message matching EXPECT_STDERR: a template must not name anything unknown or
# leave an instruction of the table without a case.
#   cmake -DGENERATOR=... -DTEMPLATE=... -DFROM=... -DTO=... -DEXPECT_STDERR=... -DWORK_DIR=...
#     -P generator_failure.cmake
file(READ ${TEMPLATE} text)
string(FIND "${text}" "${FROM}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "'${FROM}' is not in ${TEMPLATE}")
endif()
string(REPLACE "${FROM}" "${TO}" text "${text}")
file(MAKE_DIRECTORY ${WORK_DIR})
file(WRITE ${WORK_DIR}/broken.sol.in "${text}")
execute_process(COMMAND ${GENERATOR} ${WORK_DIR}/broken.sol.in ${WORK_DIR}/out.sol
                RESULT_VARIABLE code ERROR_VARIABLE err)
if(code EQUAL 0)
  message(FATAL_ERROR "the generator accepted a template with '${FROM}' replaced by '${TO}'")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}': ${err}")
endif()
message(STATUS "failed as expected: ${err}")
