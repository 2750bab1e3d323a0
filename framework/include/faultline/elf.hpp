// Loading static ELF executables for a VM backend (parsed with elfutils' libelf). A backend
// describes the files it runs (machine, class, byte order, ABI flags, where programs may lie);
// the loader checks every header against it and returns the loadable segments.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/merkle_memory.hpp"

namespace faultline {

/// The executables one backend profile runs.
struct ElfTarget {
  std::string_view architecture;  ///< for messages: "RISC-V", "MIPS"
  std::uint16_t machine = 0;      ///< e_machine (EM_RISCV, EM_MIPS)
  unsigned bits = 64;             ///< ELF class: 32 or 64
  bool big_endian = false;
  std::uint64_t load_limit = 0;       ///< segments must end at or below this address
  std::uint64_t entry_alignment = 1;  ///< the entry point must be a multiple of this
  /// Checks e_flags (the ABI); returns why the file cannot run, or an empty string.
  std::function<std::string(std::uint32_t flags)> check_flags;
};

struct ElfSegment {
  std::uint64_t address = 0;
  Bytes data;  ///< the file bytes; the rest up to memory_size is zero
  std::uint64_t memory_size = 0;
};

struct LoadedElf {
  std::uint64_t entry = 0;
  std::uint64_t end = 0;  ///< highest loaded address + 1
  /// The smallest range holding every executable segment.
  std::uint64_t code_start = 0, code_end = 0;
  std::vector<ElfSegment> segments;
};

/// Parses a static executable for `target`. Errors name the problem: malformed_input (not an
/// ELF, a program header size other than the class's, truncated or overlapping segments, entry
/// outside code), unsupported (another machine, class or byte
/// order, dynamic linking, an ABI the target rejects), out_of_range (segments at or above
/// target.load_limit).
Result<LoadedElf> load_elf(ByteView file, const ElfTarget& target);

/// The program's memory at its start: every segment written into a memory of 2^address_bits
/// bytes (the segments must lie inside it, as load_elf checked). out_of_range if the image
/// holds more than `memory_limit` pages that are not all zero.
Result<MerkleMemory> memory_image(const LoadedElf& elf, unsigned address_bits,
                                  std::uint64_t memory_limit);

}  // namespace faultline
