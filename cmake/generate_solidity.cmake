# Generates the Solidity step verifier and formats it as forge fmt does.
#   cmake -DGENERATOR=... -DTEMPLATE=... -DFORGE=... -DCONTRACTS=... -DOUTPUT=... [-DCOMMITTED=...]
#     -P generate_solidity.cmake
# With COMMITTED, fails unless the result equals that file (the drift check CI runs).
execute_process(COMMAND ${GENERATOR} ${TEMPLATE} ${OUTPUT} RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "generating ${OUTPUT} failed")
endif()
# Twice: forge fmt is not always idempotent, and `make format` formats the committed file again.
foreach(pass 1 2)
  execute_process(COMMAND ${FORGE} fmt --root ${CONTRACTS} ${OUTPUT} OUTPUT_QUIET RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "forge fmt ${OUTPUT} failed")
  endif()
endforeach()
if(COMMITTED)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUTPUT} ${COMMITTED}
                  RESULT_VARIABLE differs)
  if(differs)
    message(FATAL_ERROR "${COMMITTED} is out of date with its template or isa.def: run `make solidity`")
  endif()
endif()
