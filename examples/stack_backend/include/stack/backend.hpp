// A small stack machine as a faultline backend, written outside the faultline tree against the
// installed package only: the worked example of docs/writing-a-backend.md.
//
// Programs are text (programs/*.stk): one instruction a line, `op [immediate]`, `name:` labels,
// `#` comments. Each instruction is 8 bytes at address 8·i (opcode, three zero bytes, a 32-bit
// big-endian immediate), so fetching one reads one 32-byte leaf of the Merkle memory. The stack
// of 32-bit words lives in the same memory, from kStackBase up; a step touches at most four
// leaves (the instruction, two stack words, one word of memory).
#pragma once

#include <cstdint>
#include <memory>

#include "faultline/backend.hpp"
#include "faultline/machine.hpp"

namespace stack {

enum class Op : std::uint8_t {
  halt = 0,    ///< pop the exit code and exit (0: exited_ok, else exited_failure)
  push = 1,    ///< push the immediate
  add = 2,     ///< pop b, pop a, push a + b (mod 2^32)
  sub = 3,     ///< a − b
  mul = 4,     ///< a · b
  lt = 5,      ///< a < b (unsigned) as 1 or 0
  dup = 6,     ///< push a copy of the top
  swap = 7,    ///< exchange the top two
  jz = 8,      ///< pop; jump to the immediate if it was 0
  jmp = 9,     ///< jump to the immediate
  load = 10,   ///< pop an address, push the word there (4-aligned)
  store = 11,  ///< pop an address, pop a value, store the value there (4-aligned)
};
inline constexpr std::uint8_t kOpCount = 12;

/// The memory: 2^32 bytes, code from 0, the stack from kStackBase to kStackLimit.
inline constexpr unsigned kAddressBits = 32;
inline constexpr std::uint32_t kStackBase = 0x8000'0000;
inline constexpr std::uint32_t kStackLimit = 0x8010'0000;
/// The most instructions a program holds.
inline constexpr std::uint32_t kMaxInstructions = 1U << 20;

/// The "stack" backend: programs at most `memory_limit_pages` non-zero 4 KiB pages.
[[nodiscard]] std::unique_ptr<faultline::Backend> make_backend(
    std::uint64_t memory_limit_pages = faultline::kDefaultMemoryLimitPages);

}  // namespace stack
