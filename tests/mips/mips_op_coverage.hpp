// The MIPS coverage programs (op_coverage.S and a program whose `break` faults) and how to read
// a step's op, for the op-coverage tests under qemu and on the EVM.
#pragma once

#include "faultline/mips/state.hpp"
#include "mips/src/isa.hpp"
#include "op_coverage.hpp"

namespace faultline::test {

inline CoverageProfile mips_coverage_profile(unsigned bits) {
  CoverageProfile profile;
  profile.backend = "mips" + std::to_string(bits);
  profile.qemu = bits == 32 ? "qemu-mips" : "qemu-mips64";
  for (const auto& encoding : mips::kEncodings)
    if (encoding.bits == 0 || encoding.bits == bits) profile.ops.emplace_back(encoding.name);
  profile.elf_target.architecture = "MIPS";
  profile.elf_target.machine = 8;  // EM_MIPS
  profile.elf_target.bits = bits;
  profile.elf_target.big_endian = true;
  profile.elf_target.load_limit = ~std::uint64_t{0};
  profile.elf_target.check_flags = [](std::uint32_t) { return std::string{}; };
  profile.op_at = [bits](ByteView state, const LoadedElf& image) {
    auto decoded = mips::decode(state);
    REQUIRE(decoded.ok());
    const std::uint32_t insn = image_word(image, decoded->pc, true);
    const mips::Op op = bits == 32 ? mips::decode<32>(insn) : mips::decode<64>(insn);
    return op == mips::Op::illegal
               ? std::string("illegal")
               : std::string(mips::kEncodings[static_cast<std::size_t>(op)].name);
  };
  return profile;
}

/// op_coverage.S, which exits 0 having run every op but `break`, and a program whose first
/// instruction is `break`.
inline std::vector<CoverageProgram> mips_coverage_programs(unsigned bits) {
  const std::string flags =
      std::string(bits == 32 ? "--target=mips-linux-gnu -march=mips32r2 -mabi=32"
                             : "--target=mips64-linux-gnuabi64 -march=mips64r2 -mabi=64") +
      " -msoft-float -fno-pic -mno-abicalls -G0 -Wl,-z,max-page-size=4096";
  const std::string base = "op-coverage-mips" + std::to_string(bits);
  const std::string source = base + "-break-" + std::to_string(getpid()) + ".s";
  REQUIRE(write_file(source, as_bytes(std::string(".set noreorder\n.globl __start\n__start:\n"
                                                  "  break\n  nop\n"))));
  std::vector<CoverageProgram> programs{
      {"op_coverage.S",
       build_coverage_elf(flags, FAULTLINE_SOURCE_DIR "/tests/mips/op_coverage.S", base), false},
      {"break_", build_coverage_elf(flags, source, base + "-break"), true}};
  std::remove(source.c_str());
  return programs;
}

}  // namespace faultline::test
