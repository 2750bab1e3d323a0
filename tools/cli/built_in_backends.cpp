// Registration of the built-in backends: one add() call per backend.
#include "built_in_backends.hpp"

#include "faultline/mips/backend.hpp"
#include "faultline/onnx/trace.hpp"
#include "faultline/riscv/backend.hpp"

namespace faultline::cli {

BackendRegistry built_in_backends(std::uint64_t memory_limit, std::uint64_t operators_per_step) {
  BackendRegistry registry;
  (void)registry.add(onnx::make_backend(onnx::TraceOptions{operators_per_step}));
  (void)registry.add(riscv::make_backend(32, memory_limit));
  (void)registry.add(riscv::make_backend(64, memory_limit));
  (void)registry.add(mips::make_backend(32, memory_limit));
  (void)registry.add(mips::make_backend(64, memory_limit));
  return registry;
}

std::optional<VerifierContract> verifier_contract(std::string_view backend) {
  if (backend == "riscv32")
    return VerifierContract{"RiscvStepVerifier.sol", "RiscvStepVerifier", 32};
  if (backend == "riscv64")
    return VerifierContract{"RiscvStepVerifier.sol", "RiscvStepVerifier", 64};
  if (backend == "mips32") return VerifierContract{"MipsStepVerifier.sol", "MipsStepVerifier", 32};
  if (backend == "mips64") return VerifierContract{"MipsStepVerifier.sol", "MipsStepVerifier", 64};
  return std::nullopt;
}

}  // namespace faultline::cli
