// TraceProvider: the claims a dispute game bisects over, and the witness of any one step.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"

namespace faultline {

/// A trace s_0, s_1, ... of state commitments. After the program halts the last state repeats,
/// so every index has a claim and a trace can be padded to any power of two.
class TraceProvider {
 public:
  virtual ~TraceProvider() = default;

  /// Commitment to the state after `index` steps (index 0 is the absolute prestate).
  [[nodiscard]] virtual Result<Hash> claim_at(std::uint64_t index) = 0;

  /// Witness of step `index`, which moves state `index` to state `index + 1`.
  [[nodiscard]] virtual Result<StepWitness> witness_at(std::uint64_t index) = 0;

  /// Claims at many indices. The default asks one at a time; executors override it to answer
  /// in one forward pass.
  [[nodiscard]] virtual Result<std::vector<Hash>> claims_at(std::span<const std::uint64_t> indices);
};

}  // namespace faultline
