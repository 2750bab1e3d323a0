// Any bytes as a witness (an encoded pre-state and its memory proofs) for the off-chain step
// verifiers, which see exactly what the onchain ones see. Input: a profile byte, the state's
// length (2 bytes, big-endian), the state, then the proofs.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace faultline;
  const auto oracle = fuzz::seed_oracle();
  fuzz::Input input(ByteView(data, size));
  const auto& profile = fuzz::profiles()[input.byte() % fuzz::profiles().size()];
  const ByteView state = input.take(input.u16());
  const ByteView proof = input.take(size);
  const StepVerifier& verifier = profile.backend->step_verifier();

  const auto commitment = verifier.state_commitment(state);
  const auto post = verifier.step(state, proof, *oracle);
  const auto again = verifier.step(state, proof, *oracle);
  fuzz::expect(post.ok() == again.ok() && (!post.ok() || *post == *again),
               "the same witness verifies differently twice");
  if (post.ok()) {
    fuzz::expect(commitment.ok(), "a step from a state that does not decode");
  } else {
    fuzz::expect(!post.error().message.empty(), "a rejected witness without a reason");
  }
  return 0;
}
