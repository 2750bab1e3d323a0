// The trace service's messages (proto/faultline/trace/v1/trace_service.proto) and faultline's
// own types, converted both ways: what the server sends and what the client checks. Every
// conversion from a message checks what the schema promises (32-byte hashes and keys), so a
// malformed answer from a remote service is an error, never a wrong value.
#pragma once

#include <cstdint>
#include <string_view>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"
#include "faultline/trace/v1/trace_service.pb.h"

namespace faultline::trace {

/// keccak256 of "faultline.trace.v1" || backend || 0x00 || artifact_hash || input_key: the
/// trace_id a client computes from what its game names (TraceInfo.trace_id).
[[nodiscard]] Hash trace_id(std::string_view backend, const Hash& artifact_hash,
                            const Hash& input_key);

/// A witness as GetWitnessResponse.
[[nodiscard]] v1::GetWitnessResponse to_message(const StepWitness& witness);
/// The witness a GetWitnessResponse holds; malformed_input, naming the field, for a preimage
/// key that is not 32 bytes.
[[nodiscard]] Result<StepWitness> from_message(const v1::GetWitnessResponse& message);

/// A 32-byte field (a hash, a key, a claim); malformed_input naming `field` otherwise.
[[nodiscard]] Result<Hash> hash_field(const std::string& bytes, std::string_view field);

}  // namespace faultline::trace
