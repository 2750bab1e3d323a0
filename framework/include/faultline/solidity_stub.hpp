// The step-verifier stub generator behind `faultline verifier gen`: from a backend's declared
// StateLayout it writes the Solidity a new backend starts its onchain step from (state
// decoding, the state commitment, Merkle memory proof checks, a dispatch skeleton) and a
// matching Foundry test. It knows no backend: everything comes from the layout.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faultline/error.hpp"
#include "faultline/state_layout.hpp"

namespace faultline {

/// One generated file; `path` is relative to the root of a Foundry project laid out as
/// contracts/ is (src/ holds IStepVerifier.sol and IPreimageOracle.sol, test/ holds Test.sol).
struct SolidityFile {
  std::string path;
  std::string text;
};

/// The Solidity names a backend's stub gets: "riscv64" gives Riscv64StepVerifier in
/// src/riscv64/Riscv64StepVerifier.sol and its test in test/Riscv64StepVerifier.t.sol.
struct StubNames {
  std::string contract;  ///< "Riscv64StepVerifier"
  std::string source;    ///< "src/riscv64/Riscv64StepVerifier.sol"
  std::string test;      ///< "test/Riscv64StepVerifier.t.sol"
  std::string harness;   ///< "Riscv64StepVerifierHarness" (in the test file)
};

/// invalid_argument unless `backend_name` is a registry name ([a-z][a-z0-9_-]*).
Result<StubNames> stub_names(std::string_view backend_name);

/// The stub verifier (first) and its Foundry test (second). invalid_argument if the layout
/// fails check_state_layout() or the backend name is not a registry name.
Result<std::vector<SolidityFile>> generate_verifier_stub(std::string_view backend_name,
                                                         const StateLayout& layout);

/// Writes the files under `root`, creating directories. Without `overwrite`, refuses
/// (invalid_argument, naming the file) if any of them exists, so a stub that has been filled
/// in is never replaced by accident. io_error naming the path if a write fails.
Result<void> write_solidity_files(const std::vector<SolidityFile>& files, const std::string& root,
                                  bool overwrite);

/// The Solidity files a generated stub and its tests import, as faultline's own contracts/
/// holds them: src/IStepVerifier.sol, src/IPreimageOracle.sol, src/PreimageOracle.sol and
/// test/Test.sol (paths relative to a Foundry project's root). The package also installs them
/// in share/faultline/contracts.
[[nodiscard]] std::vector<SolidityFile> verifier_support_files();

}  // namespace faultline
