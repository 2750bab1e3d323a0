// A synthetic VM for dispute tests: state i is (seed, i, length), a step moves i to
// min(i + 1, length), and the verifier recomputes that from the encoded state alone.
#pragma once

#include "faultline/keccak.hpp"
#include "faultline/step_verifier.hpp"
#include "faultline/trace_provider.hpp"

namespace faultline::test {

inline Bytes synthetic_state(std::uint64_t seed, std::uint64_t index, std::uint64_t length) {
  Bytes out(24);
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<std::uint8_t>(seed >> (8 * i));
    out[8 + i] = static_cast<std::uint8_t>(index >> (8 * i));
    out[16 + i] = static_cast<std::uint8_t>(length >> (8 * i));
  }
  return out;
}

inline std::uint64_t read_u64(ByteView bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i)
    value = value << 8 | bytes[at + static_cast<std::size_t>(i)];
  return value;
}

inline Hash synthetic_commitment(std::uint64_t seed, std::uint64_t index, std::uint64_t length) {
  return state_commitment(synthetic_state(seed, index, length),
                          index >= length ? VmStatus::exited_ok : VmStatus::running);
}

class SyntheticVerifier final : public StepVerifier {
 public:
  Result<Hash> state_commitment(ByteView state) const override {
    if (state.size() != 24) return Error{Errc::malformed_input, "synthetic state is 24 bytes"};
    return synthetic_commitment(read_u64(state, 0), read_u64(state, 8), read_u64(state, 16));
  }
  Result<Hash> step(ByteView state, ByteView proof, const PreimageOracle&) const override {
    if (state.size() != 24 || !proof.empty())
      return Error{Errc::malformed_input, "bad synthetic witness"};
    const std::uint64_t index = read_u64(state, 8), length = read_u64(state, 16);
    return synthetic_commitment(read_u64(state, 0), std::min(index + 1, length), length);
  }
};

class SyntheticTrace final : public TraceProvider {
 public:
  SyntheticTrace(std::uint64_t seed, std::uint64_t length) : seed_(seed), length_(length) {}
  Result<Hash> claim_at(std::uint64_t index) override {
    ++queries;
    return synthetic_commitment(seed_, std::min(index, length_), length_);
  }
  Result<StepWitness> witness_at(std::uint64_t index) override {
    return StepWitness{
        index, synthetic_state(seed_, std::min(index, length_), length_), {}, {}, {}};
  }
  std::uint64_t queries = 0;

 private:
  std::uint64_t seed_, length_;
};

}  // namespace faultline::test
