// RISC-V decoding: the Op enumeration and decoder built from isa.def at compile time, and the
// expansion of compressed instructions into their 32-bit equivalents.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace faultline::riscv {

/// Every instruction of isa.def, 32-bit forms then compressed forms, then `illegal`.
enum class Op : std::uint8_t {
#define RV_INSN(name, mask, match, xlen, format) name,
#define RV_CINSN(name, mask, match, xlen) name,
#include "isa.def"
#undef RV_INSN
#undef RV_CINSN
  illegal,
};

/// Where an instruction keeps its immediate (Volume I, section 2.3).
enum class Format : std::uint8_t { R, I, S, B, U, J };

struct Encoding {
  Op op;
  std::string_view name;
  std::uint32_t mask;
  std::uint32_t match;
  unsigned xlen;  ///< 0: both, else 32 or 64 only
  bool compressed;
  Format format;  ///< of the 32-bit form (compressed entries: R, unused)
};

inline constexpr Encoding kEncodings[] = {
#define RV_INSN(name, mask, match, xlen, format) \
  {Op::name, #name, mask, match, xlen, false, Format::format},
#define RV_CINSN(name, mask, match, xlen) {Op::name, #name, mask, match, xlen, true, Format::R},
#include "isa.def"
#undef RV_INSN
#undef RV_CINSN
};

static_assert(std::size(kEncodings) == static_cast<std::size_t>(Op::illegal),
              "every Op has exactly one encoding entry");

/// Ops below this number are 32-bit instructions; from it up to Op::illegal, compressed ones.
inline constexpr std::size_t kFirstCompressed = [] {
  std::size_t count = 0;
  while (count < std::size(kEncodings) && !kEncodings[count].compressed)
    ++count;
  for (std::size_t i = count; i < std::size(kEncodings); ++i) {
    if (!kEncodings[i].compressed) throw "isa.def: list compressed forms after all 32-bit ones";
  }
  return count;
}();

constexpr Format op_format(Op op) {
  return op == Op::illegal ? Format::R : kEncodings[static_cast<std::size_t>(op)].format;
}

namespace detail {

// Decoding buckets: 32-bit instructions by opcode[6:2] and funct3 (256 buckets), compressed by
// quadrant and funct3 (24 buckets); each bucket lists, in table order, the entries whose fixed
// bits agree with the bucket. A bucket never needs more than kBucketSize candidates.
inline constexpr std::size_t kBucketSize = 16;

struct Bucket {
  std::array<std::uint8_t, kBucketSize> entries{};
  std::uint8_t count = 0;
};

constexpr std::uint32_t bucket_of(std::uint32_t insn, bool compressed) {
  return compressed ? ((insn & 3) << 3 | (insn >> 13 & 7))
                    : ((insn >> 2 & 0x1f) << 3 | (insn >> 12 & 7));
}

template <unsigned Xlen, bool Compressed>
constexpr auto make_buckets() {
  std::array<Bucket, Compressed ? 32 : 256> buckets{};
  for (std::uint32_t b = 0; b < buckets.size(); ++b) {
    // The bits a bucket fixes, and their values, as an instruction pattern.
    const std::uint32_t fixed_mask = Compressed ? 0xe003 : 0x707c;
    const std::uint32_t fixed_bits =
        Compressed ? ((b >> 3) | (b & 7) << 13) : ((b >> 3) << 2 | (b & 7) << 12);
    for (std::size_t i = 0; i < std::size(kEncodings); ++i) {
      const Encoding& e = kEncodings[i];
      if (e.compressed != Compressed || (e.xlen != 0 && e.xlen != Xlen)) continue;
      const std::uint32_t shared = e.mask & fixed_mask;
      if ((e.match & shared) != (fixed_bits & shared)) continue;
      if (buckets[b].count == kBucketSize) throw "bucket overflow: raise kBucketSize";
      buckets[b].entries[buckets[b].count++] = static_cast<std::uint8_t>(i);
    }
  }
  return buckets;
}

template <unsigned Xlen, bool Compressed>
inline constexpr auto kBuckets = make_buckets<Xlen, Compressed>();

}  // namespace detail

/// The op of a 32-bit instruction (low two bits 11) or of a compressed one (the low 16 bits,
/// low two bits not 11) on RV32 (Xlen 32) or RV64 (Xlen 64); Op::illegal if none matches.
template <unsigned Xlen>
constexpr Op decode(std::uint32_t insn) {
  const bool compressed = (insn & 3) != 3;
  const auto& bucket = compressed ? detail::kBuckets<Xlen, true>[detail::bucket_of(insn, true)]
                                  : detail::kBuckets<Xlen, false>[detail::bucket_of(insn, false)];
  for (std::uint8_t i = 0; i < bucket.count; ++i) {
    const Encoding& e = kEncodings[bucket.entries[i]];
    if ((insn & e.mask) == e.match) return e.op;
  }
  return Op::illegal;
}

// Field extraction (Volume I, section 2.3 "Immediate Encoding Variants").
constexpr unsigned rd(std::uint32_t insn) {
  return insn >> 7 & 31;
}
constexpr unsigned rs1(std::uint32_t insn) {
  return insn >> 15 & 31;
}
constexpr unsigned rs2(std::uint32_t insn) {
  return insn >> 20 & 31;
}
constexpr unsigned funct3(std::uint32_t insn) {
  return insn >> 12 & 7;
}
constexpr std::int64_t imm_i(std::uint32_t insn) {
  return static_cast<std::int32_t>(insn) >> 20;
}
constexpr std::int64_t sign_extend(std::uint32_t value, unsigned width) {
  const std::uint32_t sign = 1u << (width - 1);
  return static_cast<std::int64_t>(value ^ sign) - static_cast<std::int64_t>(sign);
}
constexpr std::int64_t imm_s(std::uint32_t insn) {
  return sign_extend((insn >> 25) << 5 | (insn >> 7 & 0x1f), 12);
}
constexpr std::int64_t imm_b(std::uint32_t insn) {
  return sign_extend(
      (insn >> 31) << 12 | (insn << 4 & 0x800) | (insn >> 20 & 0x7e0) | (insn >> 7 & 0x1e), 13);
}
constexpr std::int64_t imm_u(std::uint32_t insn) {
  return static_cast<std::int32_t>(insn & 0xfffff000u);
}
constexpr std::int64_t imm_j(std::uint32_t insn) {
  return sign_extend(
      (insn >> 31) << 20 | (insn & 0xff000) | (insn >> 9 & 0x800) | (insn >> 20 & 0x7fe), 21);
}

/// The immediate of `insn` in the given format (0 for R).
constexpr std::int64_t immediate(Format format, std::uint32_t insn) {
  switch (format) {
    case Format::I:
      return imm_i(insn);
    case Format::S:
      return imm_s(insn);
    case Format::B:
      return imm_b(insn);
    case Format::U:
      return imm_u(insn);
    case Format::J:
      return imm_j(insn);
    case Format::R:
      return 0;
  }
  return 0;
}

// Builders of 32-bit encodings, used to expand compressed instructions.
constexpr std::uint32_t enc_i(std::uint32_t opcode_funct3, unsigned dest, unsigned src1,
                              std::int64_t imm) {
  return (static_cast<std::uint32_t>(imm) & 0xfff) << 20 | src1 << 15 | dest << 7 | opcode_funct3;
}
constexpr std::uint32_t enc_r(std::uint32_t fixed, unsigned dest, unsigned src1, unsigned src2) {
  return fixed | src2 << 20 | src1 << 15 | dest << 7;
}
constexpr std::uint32_t enc_s(std::uint32_t opcode_funct3, unsigned src1, unsigned src2,
                              std::int64_t imm) {
  const auto u = static_cast<std::uint32_t>(imm);
  return (u >> 5 & 0x7f) << 25 | src2 << 20 | src1 << 15 | (u & 0x1f) << 7 | opcode_funct3;
}
constexpr std::uint32_t enc_b(std::uint32_t opcode_funct3, unsigned src1, unsigned src2,
                              std::int64_t imm) {
  const auto u = static_cast<std::uint32_t>(imm);
  return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | src2 << 20 | src1 << 15 |
         (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | opcode_funct3;
}
constexpr std::uint32_t enc_j(unsigned dest, std::int64_t imm) {
  const auto u = static_cast<std::uint32_t>(imm);
  return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
         (u >> 12 & 0xff) << 12 | dest << 7 | 0x6f;
}
constexpr std::uint32_t enc_u(std::uint32_t opcode, unsigned dest, std::int64_t imm) {
  return (static_cast<std::uint32_t>(imm) & 0xfffff000u) | dest << 7 | opcode;
}

namespace detail {
constexpr std::uint32_t bits(std::uint32_t value, unsigned high, unsigned low) {
  return value >> low & ((1u << (high - low + 1)) - 1);
}
}  // namespace detail

/// The 32-bit instruction a compressed one stands for (Volume I, chapter 16), or 0 for a
/// reserved or unsupported encoding (0 is not a valid 32-bit instruction, so it decodes as
/// illegal).
template <unsigned Xlen>
constexpr std::uint32_t expand_compressed(std::uint32_t c) {
  using detail::bits;
  const unsigned rd_full = bits(c, 11, 7);
  const unsigned rs2_full = bits(c, 6, 2);
  const unsigned rd_short = 8 + bits(c, 4, 2);   // rd' / rs2' in bits 4:2
  const unsigned rs1_short = 8 + bits(c, 9, 7);  // rs1' / rd' in bits 9:7
  const std::int64_t imm6 = sign_extend(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);
  const unsigned shamt = bits(c, 12, 12) << 5 | bits(c, 6, 2);
  const std::uint32_t uimm_w = bits(c, 5, 5) << 6 | bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2;
  const std::uint32_t uimm_d = bits(c, 6, 5) << 6 | bits(c, 12, 10) << 3;
  const std::int64_t j_offset = sign_extend(
      bits(c, 12, 12) << 11 | bits(c, 8, 8) << 10 | bits(c, 10, 9) << 8 | bits(c, 6, 6) << 7 |
          bits(c, 7, 7) << 6 | bits(c, 2, 2) << 5 | bits(c, 11, 11) << 4 | bits(c, 5, 3) << 1,
      12);
  const std::int64_t b_offset =
      sign_extend(bits(c, 12, 12) << 8 | bits(c, 6, 5) << 6 | bits(c, 2, 2) << 5 |
                      bits(c, 11, 10) << 3 | bits(c, 4, 3) << 1,
                  9);
  const bool shamt_ok = Xlen == 64 || bits(c, 12, 12) == 0;  // RV32: shamt[5] = 1 is reserved

  switch (decode<Xlen>(c & 0xffff)) {
    case Op::c_addi4spn: {
      const std::uint32_t nzuimm =
          bits(c, 10, 7) << 6 | bits(c, 12, 11) << 4 | bits(c, 5, 5) << 3 | bits(c, 6, 6) << 2;
      return nzuimm == 0 ? 0 : enc_i(0x13, rd_short, 2, nzuimm);
    }
    case Op::c_lw:
      return enc_i(0x2003, rd_short, rs1_short, uimm_w);
    case Op::c_ld:
      return enc_i(0x3003, rd_short, rs1_short, uimm_d);
    case Op::c_sw:
      return enc_s(0x2023, rs1_short, rd_short, uimm_w);
    case Op::c_sd:
      return enc_s(0x3023, rs1_short, rd_short, uimm_d);
    case Op::c_addi:
      return enc_i(0x13, rd_full, rd_full, imm6);
    case Op::c_jal:
      return enc_j(1, j_offset);
    case Op::c_addiw:
      return rd_full == 0 ? 0 : enc_i(0x1b, rd_full, rd_full, imm6);
    case Op::c_li:
      return enc_i(0x13, rd_full, 0, imm6);
    case Op::c_addi16sp: {
      const std::int64_t nzimm =
          sign_extend(bits(c, 12, 12) << 9 | bits(c, 4, 3) << 7 | bits(c, 5, 5) << 6 |
                          bits(c, 2, 2) << 5 | bits(c, 6, 6) << 4,
                      10);
      return nzimm == 0 ? 0 : enc_i(0x13, 2, 2, nzimm);
    }
    case Op::c_lui:
      return imm6 == 0 ? 0 : enc_u(0x37, rd_full, imm6 << 12);
    case Op::c_srli:
      return shamt_ok ? enc_i(0x5013, rs1_short, rs1_short, static_cast<std::int64_t>(shamt)) : 0;
    case Op::c_srai:
      return shamt_ok
                 ? enc_i(0x5013, rs1_short, rs1_short, 0x400 | static_cast<std::int64_t>(shamt))
                 : 0;
    case Op::c_andi:
      return enc_i(0x7013, rs1_short, rs1_short, imm6);
    case Op::c_sub:
      return enc_r(0x40000033, rs1_short, rs1_short, rd_short);
    case Op::c_xor:
      return enc_r(0x00004033, rs1_short, rs1_short, rd_short);
    case Op::c_or:
      return enc_r(0x00006033, rs1_short, rs1_short, rd_short);
    case Op::c_and:
      return enc_r(0x00007033, rs1_short, rs1_short, rd_short);
    case Op::c_subw:
      return enc_r(0x4000003b, rs1_short, rs1_short, rd_short);
    case Op::c_addw:
      return enc_r(0x0000003b, rs1_short, rs1_short, rd_short);
    case Op::c_j:
      return enc_j(0, j_offset);
    case Op::c_beqz:
      return enc_b(0x0063, rs1_short, 0, b_offset);
    case Op::c_bnez:
      return enc_b(0x1063, rs1_short, 0, b_offset);
    case Op::c_slli:
      return shamt_ok ? enc_i(0x1013, rd_full, rd_full, static_cast<std::int64_t>(shamt)) : 0;
    case Op::c_lwsp: {
      const std::uint32_t offset = bits(c, 3, 2) << 6 | bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2;
      return rd_full == 0 ? 0 : enc_i(0x2003, rd_full, 2, offset);
    }
    case Op::c_ldsp: {
      const std::uint32_t offset = bits(c, 4, 2) << 6 | bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3;
      return rd_full == 0 ? 0 : enc_i(0x3003, rd_full, 2, offset);
    }
    case Op::c_jr:
      return rd_full == 0 ? 0 : enc_i(0x67, 0, rd_full, 0);
    case Op::c_mv:
      return enc_r(0x33, rd_full, 0, rs2_full);
    case Op::c_ebreak:
      return 0x00100073;
    case Op::c_jalr:
      return enc_i(0x67, 1, rd_full, 0);
    case Op::c_add:
      return enc_r(0x33, rd_full, rd_full, rs2_full);
    case Op::c_swsp: {
      const std::uint32_t offset = bits(c, 8, 7) << 6 | bits(c, 12, 9) << 2;
      return enc_s(0x2023, 2, rs2_full, offset);
    }
    case Op::c_sdsp: {
      const std::uint32_t offset = bits(c, 9, 7) << 6 | bits(c, 12, 10) << 3;
      return enc_s(0x3023, 2, rs2_full, offset);
    }
    default:
      return 0;
  }
}

}  // namespace faultline::riscv
