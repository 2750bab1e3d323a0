// Encoding and decoding of the RISC-V state (layout in faultline/riscv/state.hpp).
#include "faultline/riscv/state.hpp"

#include <algorithm>
#include <bit>
#include <string>

namespace faultline::riscv {
namespace {

static_assert(std::endian::native == std::endian::little,
              "memory accesses copy little-endian values with memcpy");

class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}
  void bytes(const Hash& value) { out_.insert(out_.end(), value.begin(), value.end()); }
  void u64(std::uint64_t value) {
    for (int i = 7; i >= 0; --i)
      out_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
  void u8(std::uint8_t value) { out_.push_back(value); }

 private:
  Bytes& out_;
};

class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}
  Hash bytes() {
    Hash out;
    std::copy_n(in_.begin() + static_cast<std::ptrdiff_t>(at_), 32, out.begin());
    at_ += 32;
    return out;
  }
  std::uint64_t u64() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i)
      value = value << 8 | in_[at_++];
    return value;
  }
  std::uint8_t u8() { return in_[at_++]; }

 private:
  ByteView in_;
  std::size_t at_ = 0;
};

}  // namespace

std::string_view fault_cause_name(FaultCause cause) noexcept {
  switch (cause) {
    case FaultCause::none:
      return "none";
    case FaultCause::illegal_instruction:
      return "illegal_instruction";
    case FaultCause::breakpoint:
      return "breakpoint";
    case FaultCause::misaligned_atomic:
      return "misaligned_atomic";
    case FaultCause::address_wrap:
      return "address_wrap";
    case FaultCause::memory_limit:
      return "memory_limit";
  }
  return "unknown";
}

Bytes encode(const State& state) {
  Bytes out;
  out.reserve(kEncodedStateSize);
  Writer w(out);
  w.bytes(state.memory_root);
  w.bytes(state.preimage_key);
  w.u64(state.preimage_offset);
  w.u64(state.pc);
  w.u64(state.step);
  w.u64(state.heap);
  w.u64(state.mmap_next);
  w.u64(state.reservation);
  w.u64(state.exit_code);
  w.u64(state.fault_value);
  w.u8(static_cast<std::uint8_t>(state.status));
  w.u8(static_cast<std::uint8_t>(state.fault_cause));
  w.u8(state.reservation_valid ? 1 : 0);
  w.u8(state.xlen);
  for (std::size_t i = 1; i < 32; ++i)
    w.u64(state.x[i]);
  w.u64(state.memory_limit);
  w.u64(state.pages_in_use);
  return out;
}

Result<State> decode(ByteView bytes) {
  if (bytes.size() != kEncodedStateSize) {
    return Error{Errc::malformed_input, "RISC-V state has " + std::to_string(bytes.size()) +
                                            " bytes, expected " +
                                            std::to_string(kEncodedStateSize)};
  }
  Reader r(bytes);
  State s;
  s.memory_root = r.bytes();
  s.preimage_key = r.bytes();
  s.preimage_offset = r.u64();
  s.pc = r.u64();
  s.step = r.u64();
  s.heap = r.u64();
  s.mmap_next = r.u64();
  s.reservation = r.u64();
  s.exit_code = r.u64();
  s.fault_value = r.u64();
  const std::uint8_t status = r.u8();
  const std::uint8_t cause = r.u8();
  const std::uint8_t reservation_valid = r.u8();
  s.xlen = r.u8();
  for (std::size_t i = 1; i < 32; ++i)
    s.x[i] = r.u64();
  s.memory_limit = r.u64();
  s.pages_in_use = r.u64();

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
  if (s.xlen != 32 && s.xlen != 64) {
    return Error{Errc::malformed_input, "xlen " + std::to_string(s.xlen) + " is not 32 or 64"};
  }
  if (s.pages_in_use > s.memory_limit) {
    return Error{Errc::malformed_input, "pages_in_use " + std::to_string(s.pages_in_use) +
                                            " exceeds memory_limit " +
                                            std::to_string(s.memory_limit)};
  }
  if (s.pc % 2 != 0) {
    return Error{Errc::malformed_input, "pc " + hex_number(s.pc) + " is odd"};  // never executed
  }
  if (s.xlen == 32) {
    const std::uint64_t high = s.pc | s.reservation;
    for (std::size_t i = 1; i < 32; ++i) {
      if ((s.x[i] >> 32) != 0)
        return Error{Errc::malformed_input,
                     "RV32 register x" + std::to_string(i) + " exceeds 32 bits"};
    }
    if ((high >> 32) != 0)
      return Error{Errc::malformed_input, "RV32 pc or reservation exceeds 32 bits"};
  }
  s.status = static_cast<VmStatus>(status);
  s.fault_cause = static_cast<FaultCause>(cause);
  s.reservation_valid = reservation_valid == 1;
  return s;
}

}  // namespace faultline::riscv
