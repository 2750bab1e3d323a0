// The stack backend as a faultline CLI catalog entry (faultline_add_cli's BACKENDS).
#pragma once

#include "faultline/cli/cli.hpp"
#include "stack/backend.hpp"

namespace stack {

inline std::unique_ptr<faultline::Backend> cli_backend(
    const faultline::cli::BackendSettings& settings) {
  return make_backend(settings.memory_limit_pages);
}

/// contracts/src/stack/StackStepVerifier.sol, constructed with the preimage oracle alone.
inline faultline::cli::VerifierContract verifier_contract() {
  return {"StackStepVerifier.sol", "StackStepVerifier", std::nullopt};
}

}  // namespace stack
