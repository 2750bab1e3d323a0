// The check every game runs before trusting a step: the witness starts from the agreed state.
#include "faultline/step_verifier.hpp"

namespace faultline {

WitnessPreimages::WitnessPreimages(const StepWitness& witness, const PreimageOracle& fallback)
    : fallback_(fallback) {
  for (const Bytes& data : witness.supplied_preimages)
    supplied_.emplace(keccak_preimage_key(data), data);
}

Result<ByteView> WitnessPreimages::get(const PreimageKey& key) const {
  const auto found = supplied_.find(key);
  if (found != supplied_.end()) return found->second;
  return fallback_.get(key);
}

Result<Hash> verify_step(const StepVerifier& verifier, const Hash& pre_commitment,
                         const StepWitness& witness, const PreimageOracle& oracle) {
  auto pre = verifier.state_commitment(witness.state);
  if (!pre) return pre.error();
  if (*pre != pre_commitment) {
    return Error{Errc::invalid_proof, "witness pre-state commits to " + to_hex(*pre) +
                                          ", not to the agreed " + to_hex(pre_commitment)};
  }
  return verifier.step(witness.state, witness.proof, WitnessPreimages(witness, oracle));
}

}  // namespace faultline
