// The registry of backends built into the CLI. Adding a backend means one line here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/backend.hpp"

namespace faultline::cli {

/// Every backend compiled into this binary; the VM backends with guests of `memory_limit`
/// pages, the ONNX backend with `operators_per_step` operators a step.
BackendRegistry built_in_backends(std::uint64_t memory_limit = kDefaultMemoryLimitPages,
                                  std::uint64_t operators_per_step = 1);

/// A built-in backend's Solidity step verifier: its source file and contract in contracts/src,
/// constructed with (the preimage oracle, `width`: the xlen or bits of the profile).
struct VerifierContract {
  std::string file;
  std::string contract;
  std::uint64_t width = 0;
};
/// nullopt for a backend without a step verifier contract.
std::optional<VerifierContract> verifier_contract(std::string_view backend);

}  // namespace faultline::cli
