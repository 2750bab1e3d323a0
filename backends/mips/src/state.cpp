// Encoding and decoding of the MIPS state (layout in faultline/mips/state.hpp).
#include "faultline/mips/state.hpp"

#include <algorithm>
#include <string>

namespace faultline::mips {
namespace {

void put64(Bytes& out, std::uint64_t value) {
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint64_t get64(ByteView in, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i)
    value = value << 8 | in[at + i];
  return value;
}

}  // namespace

std::string_view fault_cause_name(FaultCause cause) noexcept {
  switch (cause) {
    case FaultCause::none:
      return "none";
    case FaultCause::illegal_instruction:
      return "illegal_instruction";
    case FaultCause::breakpoint:
      return "breakpoint";
    case FaultCause::trap:
      return "trap";
    case FaultCause::integer_overflow:
      return "integer_overflow";
    case FaultCause::address_error:
      return "address_error";
    case FaultCause::branch_in_delay_slot:
      return "branch_in_delay_slot";
    case FaultCause::fetch_outside_code:
      return "fetch_outside_code";
    case FaultCause::memory_limit:
      return "memory_limit";
  }
  return "unknown";
}

Bytes encode(const State& s) {
  Bytes out;
  out.reserve(kEncodedStateSize);
  out.insert(out.end(), s.memory_root.begin(), s.memory_root.end());
  out.insert(out.end(), s.preimage_key.begin(), s.preimage_key.end());
  for (const std::uint64_t value :
       {s.preimage_offset, s.pc, s.next_pc, s.step, s.heap, s.mmap_next, s.reservation,
        s.thread_pointer, s.code_start, s.code_end, s.exit_code, s.fault_value, s.hi, s.lo})
    put64(out, value);
  out.push_back(static_cast<std::uint8_t>(s.status));
  out.push_back(static_cast<std::uint8_t>(s.fault_cause));
  out.push_back(s.reservation_valid ? 1 : 0);
  out.push_back(s.bits);
  for (std::size_t i = 1; i < 32; ++i)
    put64(out, s.r[i]);
  put64(out, s.memory_limit);
  put64(out, s.pages_in_use);
  return out;
}

Result<State> decode(ByteView bytes) {
  if (bytes.size() != kEncodedStateSize) {
    return Error{Errc::malformed_input, "MIPS state has " + std::to_string(bytes.size()) +
                                            " bytes, expected " +
                                            std::to_string(kEncodedStateSize)};
  }
  State s;
  std::copy_n(bytes.begin(), 32, s.memory_root.begin());
  std::copy_n(bytes.begin() + 32, 32, s.preimage_key.begin());
  std::uint64_t* const words[] = {&s.preimage_offset,
                                  &s.pc,
                                  &s.next_pc,
                                  &s.step,
                                  &s.heap,
                                  &s.mmap_next,
                                  &s.reservation,
                                  &s.thread_pointer,
                                  &s.code_start,
                                  &s.code_end,
                                  &s.exit_code,
                                  &s.fault_value,
                                  &s.hi,
                                  &s.lo};
  std::size_t at = 64;
  for (std::uint64_t* word : words) {
    *word = get64(bytes, at);
    at += 8;
  }
  const std::uint8_t status = bytes[176];
  const std::uint8_t cause = bytes[177];
  const std::uint8_t reservation_valid = bytes[178];
  s.bits = bytes[179];
  for (std::size_t i = 1; i < 32; ++i)
    s.r[i] = get64(bytes, 180 + 8 * (i - 1));
  s.memory_limit = get64(bytes, 428);
  s.pages_in_use = get64(bytes, 436);

  // Reject every encoding that encode() cannot produce, so one state has one encoding.
  if (status > static_cast<std::uint8_t>(VmStatus::running)) {
    return Error{Errc::malformed_input,
                 "state status byte " + std::to_string(status) + " is not a VM status"};
  }
  if (cause > static_cast<std::uint8_t>(FaultCause::memory_limit)) {
    return Error{Errc::malformed_input, "fault cause " + std::to_string(cause) + " is unknown"};
  }
  if (reservation_valid > 1) {
    return Error{Errc::malformed_input, "reservation_valid must be 0 or 1"};
  }
  if (s.pages_in_use > s.memory_limit) {
    return Error{Errc::malformed_input, "pages_in_use " + std::to_string(s.pages_in_use) +
                                            " exceeds memory_limit " +
                                            std::to_string(s.memory_limit)};
  }
  if (s.bits != 32 && s.bits != 64) {
    return Error{Errc::malformed_input, "bits " + std::to_string(s.bits) + " is not 32 or 64"};
  }
  if (s.bits == 32) {
    std::uint64_t high = s.pc | s.next_pc | s.reservation | s.thread_pointer | s.hi | s.lo |
                         s.heap | s.mmap_next | s.code_start | s.code_end;
    for (std::size_t i = 1; i < 32; ++i)
      high |= s.r[i];
    if ((high >> 32) != 0) {
      return Error{Errc::malformed_input, "a MIPS32 register or address exceeds 32 bits"};
    }
  }
  s.status = static_cast<VmStatus>(status);
  s.fault_cause = static_cast<FaultCause>(cause);
  s.reservation_valid = reservation_valid == 1;
  return s;
}

}  // namespace faultline::mips
