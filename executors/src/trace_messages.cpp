// Conversions between the trace service's messages and faultline's types (messages.hpp).
#include "faultline/trace/messages.hpp"

#include <algorithm>
#include <string>

#include "faultline/keccak.hpp"

namespace faultline::trace {
namespace {

std::string as_string(ByteView bytes) {
  return {bytes.begin(), bytes.end()};
}

Bytes as_bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

}  // namespace

Hash trace_id(std::string_view backend, const Hash& artifact_hash, const Hash& input_key) {
  constexpr std::string_view kDomain = "faultline.trace.v1";
  Bytes preimage(kDomain.begin(), kDomain.end());
  preimage.insert(preimage.end(), backend.begin(), backend.end());
  preimage.push_back(0);
  preimage.insert(preimage.end(), artifact_hash.begin(), artifact_hash.end());
  preimage.insert(preimage.end(), input_key.begin(), input_key.end());
  return keccak256(preimage);
}

Result<Hash> hash_field(const std::string& bytes, std::string_view field) {
  if (bytes.size() != 32) {
    return Error{Errc::malformed_input,
                 std::string(field) + " holds " + std::to_string(bytes.size()) + " bytes, not 32"};
  }
  Hash out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

v1::GetWitnessResponse to_message(const StepWitness& witness) {
  v1::GetWitnessResponse message;
  message.set_step(witness.step);
  message.set_state(as_string(witness.state));
  message.set_proof(as_string(witness.proof));
  for (const PreimageRead& read : witness.preimages) {
    v1::PreimageRead* out = message.add_preimages();
    out->set_key(as_string(read.key));
    out->set_offset(read.offset);
  }
  for (const Bytes& supplied : witness.supplied_preimages)
    message.add_supplied_preimages(as_string(supplied));
  return message;
}

Result<StepWitness> from_message(const v1::GetWitnessResponse& message) {
  StepWitness witness;
  witness.step = message.step();
  witness.state = as_bytes_of(message.state());
  witness.proof = as_bytes_of(message.proof());
  for (int i = 0; i < message.preimages_size(); ++i) {
    auto key = hash_field(message.preimages(i).key(), "preimages[" + std::to_string(i) + "].key");
    if (!key) return key.error();
    witness.preimages.push_back({*key, message.preimages(i).offset()});
  }
  for (const std::string& supplied : message.supplied_preimages())
    witness.supplied_preimages.push_back(as_bytes_of(supplied));
  return witness;
}

}  // namespace faultline::trace
