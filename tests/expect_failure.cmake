# Runs COMMAND with ARGS and checks it fails with EXPECT_EXIT and a message matching
# EXPECT_STDERR (a bad flag must give a clear error and a non-zero exit, never a crash).
execute_process(COMMAND ${COMMAND} ${ARGS} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "expected exit ${EXPECT_EXIT}, got '${code}'\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}': ${err}")
endif()
message(STATUS "failed as expected: ${err}")
