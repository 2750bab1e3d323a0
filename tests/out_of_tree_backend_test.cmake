# The user story of a backend written outside the tree (examples/stack_backend), against the
# installed package only: install the build tree into a scratch prefix, build the example's own
# faultline binary with faultline_add_cli, and use every part of it on the stack machine.
file(REMOVE_RECURSE ${WORK_DIR})
set(cli ${WORK_DIR}/build/stack-faultline)
set(programs ${SOURCE_DIR}/examples/stack_backend/programs)
# Both Foundry projects below build as contracts/foundry.toml does: offline with the pinned
# solc, the optimizer on (the game contract needs it), for cancun.
string(CONCAT foundry_toml "[profile.default]\nsrc = \"src\"\ntest = \"test\"\nlibs = []\noffline = true\n"
  "solc = \"${SOLC}\"\noptimizer = true\noptimizer_runs = 200\nevm_version = \"cancun\"\n")
# run(EXPECT CODE MATCH REGEX COMMAND ...): the command exits CODE and its output matches REGEX.
function(run)
  cmake_parse_arguments(ARG "" "EXPECT;MATCH" "COMMAND" ${ARGN})
  if(NOT DEFINED ARG_EXPECT)
    set(ARG_EXPECT 0)
  endif()
  execute_process(COMMAND ${ARG_COMMAND} RESULT_VARIABLE code OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  if(NOT code EQUAL ARG_EXPECT)
    message(FATAL_ERROR "expected exit ${ARG_EXPECT}, got ${code}: ${ARG_COMMAND}\n${out}\n${err}")
  endif()
  if(DEFINED ARG_MATCH AND NOT "${out}${err}" MATCHES "${ARG_MATCH}")
    message(FATAL_ERROR "output does not match '${ARG_MATCH}': ${ARG_COMMAND}\n${out}\n${err}")
  endif()
  message(STATUS "ok: ${ARG_COMMAND}")
endfunction()

run(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/stack_backend -B ${WORK_DIR}/build -G Ninja
  -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  -DCMAKE_BUILD_TYPE=Release)
run(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build)

# The built-in backends and the stack machine, side by side.
run(MATCH "stack.*a 32-bit stack machine" COMMAND ${cli} info)
run(MATCH "riscv64" COMMAND ${cli} info)
run(MATCH "exited_ok" COMMAND ${cli} run --backend stack ${programs}/sum.stk)
run(MATCH "2 steps, faulted: stack underflow"
  COMMAND ${cli} run --backend stack ${programs}/underflow.stk)
run(MATCH "0x[0-9a-f]+" COMMAND ${cli} state --backend stack ${programs}/sum.stk --at 500)
run(MATCH "verified" COMMAND ${cli} witness --backend stack ${programs}/sum.stk --at 500)
run(EXPECT 1 MATCH "line 2: no instruction 'frobnicate'"
  COMMAND ${cli} run --backend stack ${SOURCE_DIR}/tests/out_of_tree/bad.stk)
# Games: the honest side wins against every adversary, as proposer and as challenger.
foreach(strategy lie-at lie-from random coalition)
  foreach(role proposer challenger)
    run(MATCH "winner: honest" COMMAND ${cli} game simulate --backend stack ${programs}/sum.stk
      --dishonest ${strategy} --honest-role ${role})
  endforeach()
endforeach()
# The Solidity stub, generated from the backend's declared state layout, with the files it
# imports (the same as the package installs), compiles and passes its generated tests: nothing
# copied from the repository.
set(project ${WORK_DIR}/contracts)
run(MATCH "src/stack/StackStepVerifier.sol.*src/IStepVerifier.sol.*test/Test.sol"
  COMMAND ${cli} verifier gen --backend stack --out ${project})
foreach(file src/IStepVerifier.sol src/IPreimageOracle.sol src/PreimageOracle.sol test/Test.sol)
  run(COMMAND ${CMAKE_COMMAND} -E compare_files ${project}/${file}
    ${WORK_DIR}/prefix/share/faultline/contracts/${file})
endforeach()
file(WRITE ${project}/foundry.toml "${foundry_toml}")
run(MATCH "Suite result: ok" COMMAND ${FORGE} test --root ${project})

# The stub completed (examples/stack_backend/contracts: the step written in Solidity, the
# generated tests edited for its one-encoding rule), with the contracts the package installs
# (the library route), compiled, its Foundry tests passed, and every step of the example
# programs checked against the C++ step on anvil.
set(verifier ${WORK_DIR}/verifier)
file(COPY ${SOURCE_DIR}/examples/stack_backend/contracts/ DESTINATION ${verifier})
file(COPY ${WORK_DIR}/prefix/share/faultline/contracts/ DESTINATION ${verifier})
file(WRITE ${verifier}/foundry.toml "${foundry_toml}")
run(MATCH "Suite result: ok" COMMAND ${FORGE} test --root ${verifier})
run(COMMAND ${FORGE} build --root ${verifier} --out ${verifier}/out)
run(MATCH "the contract agrees with the C\\+\\+ step on [0-9]+ witnesses"
  COMMAND ${WORK_DIR}/build/stack-evm-check ${ANVIL} ${verifier}/out ${programs}/sum.stk
    ${programs}/ops.stk ${programs}/underflow.stk ${programs}/faults.stk ${programs}/bad_jump.stk
    ${programs}/memory_limit.stk)
# And the game on a chain: the installed game contracts and the stack machine's verifier,
# deployed by game play, the honest side winning as proposer (the game ends in an onchain
# step) and as challenger.
foreach(role proposer challenger)
  run(MATCH "the honest party wins.*game balance after every claim: 0 ETH"
    COMMAND ${cli} game play --backend stack ${programs}/sum.stk --contracts ${verifier}/out
      --anvil ${ANVIL} --honest-role ${role} --progress none)
endforeach()
