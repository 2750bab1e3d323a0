// StepVerifier: the off-chain mirror of a backend's onchain single-step executor. It sees only
// what the contract sees (the encoded pre-state, the proof bytes and the preimage oracle), so
// agreement with the fast executor on every step is the evidence the contract is right.
#pragma once

#include <map>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"
#include "faultline/preimage_oracle.hpp"

namespace faultline {

class StepVerifier {
 public:
  virtual ~StepVerifier() = default;

  /// Commitment of an encoded state (the status byte comes from decoding it).
  /// malformed_input if the encoding does not decode.
  [[nodiscard]] virtual Result<Hash> state_commitment(ByteView state) const = 0;

  /// The post-state commitment of one step, computed from the witness alone.
  /// malformed_input for a truncated or garbled state or proof, invalid_proof when a memory
  /// proof does not match the state's memory root, not_found for a missing preimage.
  [[nodiscard]] virtual Result<Hash> step(ByteView state, ByteView proof,
                                          const PreimageOracle& oracle) const = 0;
};

/// The oracle a step is verified with: a witness's supplied preimages under their keccak256
/// keys (computed here from the data), every other key from `fallback`. Views into both: they
/// must outlive it.
class WitnessPreimages final : public PreimageOracle {
 public:
  WitnessPreimages(const StepWitness& witness, const PreimageOracle& fallback);
  [[nodiscard]] Result<ByteView> get(const PreimageKey& key) const override;

 private:
  std::map<PreimageKey, ByteView> supplied_;
  const PreimageOracle& fallback_;
};

/// Checks that the witness's pre-state is the agreed `pre_commitment`, then runs the step.
/// Returns the post-state commitment; invalid_proof if the pre-state does not match. The step
/// reads preimages through WitnessPreimages(witness, oracle).
Result<Hash> verify_step(const StepVerifier& verifier, const Hash& pre_commitment,
                         const StepWitness& witness, const PreimageOracle& oracle);

}  // namespace faultline
