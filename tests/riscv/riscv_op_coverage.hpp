// The RISC-V coverage programs (op_coverage.S and one program per op that always faults) and
// how to read a step's op, for the op-coverage tests under qemu and on the EVM.
#pragma once

#include "faultline/riscv/state.hpp"
#include "op_coverage.hpp"
#include "riscv/src/isa.hpp"

namespace faultline::test {

inline CoverageProfile riscv_coverage_profile(unsigned xlen) {
  CoverageProfile profile;
  profile.backend = "riscv" + std::to_string(xlen);
  profile.qemu = "qemu-riscv" + std::to_string(xlen);
  for (const auto& encoding : riscv::kEncodings)
    if (encoding.xlen == 0 || encoding.xlen == xlen) profile.ops.emplace_back(encoding.name);
  profile.elf_target.architecture = "RISC-V";
  profile.elf_target.machine = 243;  // EM_RISCV
  profile.elf_target.bits = xlen;
  profile.elf_target.load_limit = ~std::uint64_t{0};
  profile.elf_target.check_flags = [](std::uint32_t) { return std::string{}; };
  profile.op_at = [xlen](ByteView state, const LoadedElf& image) {
    auto decoded = riscv::decode(state);
    REQUIRE(decoded.ok());
    std::uint32_t insn = image_word(image, decoded->pc, false);
    if ((insn & 3) != 3) insn &= 0xffff;
    const riscv::Op op = xlen == 32 ? riscv::decode<32>(insn) : riscv::decode<64>(insn);
    return op == riscv::Op::illegal
               ? std::string("illegal")
               : std::string(riscv::kEncodings[static_cast<std::size_t>(op)].name);
  };
  return profile;
}

/// op_coverage.S, which exits 0 having run every op but the four that always fault, and one
/// program for each of those.
inline std::vector<CoverageProgram> riscv_coverage_programs(unsigned xlen) {
  const std::string flags = xlen == 32 ? "--target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32"
                                       : "--target=riscv64-unknown-elf -march=rv64imac -mabi=lp64";
  const std::string base = "op-coverage-rv" + std::to_string(xlen);
  std::vector<CoverageProgram> programs{
      {"op_coverage.S",
       build_coverage_elf(flags, FAULTLINE_SOURCE_DIR "/tests/riscv/op_coverage.S", base), false}};
  const std::pair<const char*, const char*> faulting[] = {
      {"ebreak", ".option norvc\n  ebreak"},
      {"c_ebreak", "c.ebreak"},
      {"csrrw", ".option norvc\n  csrrw a0, cycle, a1"},  // the counters are read-only
      {"csrrwi", ".option norvc\n  csrrwi a0, cycle, 1"},
  };
  for (const auto& [op, code] : faulting) {
    const std::string source = base + "-" + op + "-" + std::to_string(getpid()) + ".s";
    REQUIRE(write_file(source, as_bytes(std::string(".globl _start\n_start:\n  ") + code + "\n")));
    programs.push_back({op, build_coverage_elf(flags, source, base + "-" + op), true});
    std::remove(source.c_str());
  }
  return programs;
}

}  // namespace faultline::test
