// Loading static RISC-V ELF executables (parsed with elfutils' libelf).
#pragma once

#include <cstdint>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"

namespace faultline::riscv {

struct Segment {
  std::uint64_t address = 0;
  Bytes data;  ///< the file bytes; the rest up to memory_size is zero
  std::uint64_t memory_size = 0;
};

struct LoadedElf {
  std::uint64_t entry = 0;
  std::uint64_t end = 0;  ///< highest loaded address + 1
  std::vector<Segment> segments;
};

/// Parses a static executable for RV32 (xlen 32) or RV64 (xlen 64). Errors name the problem:
/// malformed_input (not an ELF, truncated segments, entry outside code), unsupported (another
/// machine or class, dynamic linking, hard-float ABI), out_of_range (segments outside the
/// program area of the address space).
Result<LoadedElf> load_elf(ByteView file, unsigned xlen);

}  // namespace faultline::riscv
