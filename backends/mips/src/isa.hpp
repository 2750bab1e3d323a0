// MIPS decoding: the Op enumeration and decoder built from isa.def at compile time, and the
// instruction fields (MIPS32/MIPS64 Volume II-A, chapter 3 "Instruction Formats").
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace faultline::mips {

/// Every instruction of isa.def, then `illegal`.
enum class Op : std::uint8_t {
#define MIPS_INSN(name, mask, match, bits, immediate, op_class) name,
#include "isa.def"
#undef MIPS_INSN
  illegal,
};

/// How an instruction's low 16 bits are read.
enum class Immediate : std::uint8_t { N, S, Z };

/// Instruction classes: the onchain verifier dispatches by them, gas figures are given by them.
enum class OpClass : std::uint8_t {
  shift,
  arith,
  trapping,
  hilo,
  trap,
  bits,
  memory,
  partial,
  branch,
  jump,
  system
};
inline constexpr std::string_view kOpClassNames[] = {"shift",  "arith", "trapping", "hilo",
                                                     "trap",   "bits",  "memory",   "partial",
                                                     "branch", "jump",  "system"};

struct Encoding {
  Op op;
  std::string_view name;
  std::uint32_t mask;
  std::uint32_t match;
  unsigned bits;  ///< 0: MIPS32 and MIPS64, 64: MIPS64 only
  Immediate immediate;
  OpClass op_class;
};

inline constexpr Encoding kEncodings[] = {
#define MIPS_INSN(name, mask, match, bits, immediate, op_class) \
  {Op::name, #name, mask, match, bits, Immediate::immediate, OpClass::op_class},
#include "isa.def"
#undef MIPS_INSN
};

static_assert(std::size(kEncodings) == static_cast<std::size_t>(Op::illegal),
              "every Op has exactly one encoding entry");

constexpr Immediate op_immediate(Op op) {
  return op == Op::illegal ? Immediate::N : kEncodings[static_cast<std::size_t>(op)].immediate;
}

// Fields.
constexpr unsigned opcode(std::uint32_t insn) {
  return insn >> 26;
}
constexpr unsigned rs(std::uint32_t insn) {
  return insn >> 21 & 31;
}
constexpr unsigned rt(std::uint32_t insn) {
  return insn >> 16 & 31;
}
constexpr unsigned rd(std::uint32_t insn) {
  return insn >> 11 & 31;
}
constexpr unsigned sa(std::uint32_t insn) {
  return insn >> 6 & 31;
}
constexpr unsigned funct(std::uint32_t insn) {
  return insn & 63;
}

namespace detail {

// Decoding buckets: by major opcode and, for SPECIAL, SPECIAL2 and SPECIAL3, the function
// field, for REGIMM the rt field (64 x 64 buckets); each lists its candidates in table order.
inline constexpr std::size_t kBucketSize = 4;

struct Bucket {
  std::array<std::uint8_t, kBucketSize> entries{};
  std::uint8_t count = 0;
};

constexpr unsigned minor_field(unsigned major, std::uint32_t insn) {
  if (major == 0 || major == 0x1c || major == 0x1f) return funct(insn);
  if (major == 1) return rt(insn);
  return 0;
}

template <unsigned Bits>
constexpr auto make_buckets() {
  std::array<Bucket, std::size_t{64} * 64> buckets{};
  for (std::size_t i = 0; i < std::size(kEncodings); ++i) {
    const Encoding& e = kEncodings[i];
    if (e.bits != 0 && e.bits != Bits) continue;
    const unsigned major = opcode(e.match);
    // The minor field is fixed by the mask for entries in subdivided majors.
    const unsigned minor = minor_field(major, e.match);
    Bucket& bucket = buckets[major * 64 + minor];
    if (bucket.count == kBucketSize) throw "bucket overflow: raise kBucketSize";
    bucket.entries[bucket.count++] = static_cast<std::uint8_t>(i);
  }
  return buckets;
}

template <unsigned Bits>
inline constexpr auto kBuckets = make_buckets<Bits>();

}  // namespace detail

/// The op of a 32-bit instruction on MIPS32 (Bits 32) or MIPS64 (Bits 64); Op::illegal if
/// none matches.
template <unsigned Bits>
constexpr Op decode(std::uint32_t insn) {
  const unsigned major = opcode(insn);
  const auto& bucket = detail::kBuckets<Bits>[major * 64 + detail::minor_field(major, insn)];
  for (std::uint8_t i = 0; i < bucket.count; ++i) {
    const Encoding& e = kEncodings[bucket.entries[i]];
    if ((insn & e.mask) == e.match) return e.op;
  }
  return Op::illegal;
}

}  // namespace faultline::mips
