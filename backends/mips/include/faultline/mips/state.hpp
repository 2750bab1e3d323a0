// The MIPS machine state and its encoding: the bytes a witness carries and an onchain verifier
// decodes. Layout table below; docs/backends/mips.md shows it with the reasons.
#pragma once

#include <array>
#include <cstdint>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"
#include "faultline/state_layout.hpp"

namespace faultline::mips {

/// Why a machine stopped with VmStatus::faulted. Stored in the state, so a claim commits to it.
enum class FaultCause : std::uint8_t {
  none = 0,
  illegal_instruction = 1,   ///< unknown encoding, FPU/coprocessor, unsupported rdhwr register
  breakpoint = 2,            ///< break
  trap = 3,                  ///< a conditional trap (teq, tne, ...) whose condition held
  integer_overflow = 4,      ///< add, addi, sub, dadd, daddi, dsub overflowed
  address_error = 5,         ///< a misaligned load, store or instruction fetch
  branch_in_delay_slot = 6,  ///< a branch or jump in the delay slot of a taken branch
  fetch_outside_code = 7,    ///< pc left the program's executable segments
  memory_limit = 8,          ///< a store would make memory_limit + 1 pages non-zero
};

/// "illegal_instruction", ...
std::string_view fault_cause_name(FaultCause cause) noexcept;

/// Fixed places in the guest address space (Linux-like; the same ELF runs under qemu-user).
struct AddressMap {
  std::uint64_t mmap_base;  ///< anonymous mappings are handed out upwards from here
  std::uint64_t mmap_end;   ///< ... up to here; the program break must stay below mmap_base
  std::uint64_t stack_top;  ///< initial sp = stack_top - 64 (argc = 0, argv/envp/auxv empty)
};
inline constexpr AddressMap kAddressMap32{0x4000'0000, 0x7000'0000, 0x7fff'f000};
inline constexpr AddressMap kAddressMap64{0x40'0000'0000, 0x70'0000'0000, 0x7f'ffff'f000};

/// The full state of a MIPS CPU and its process. Registers hold 32-bit values zero-extended
/// to 64 bits on MIPS32 (in the encoding; the step works on their low 32 bits).
struct State {
  Hash memory_root{};                 ///< Merkle root of memory (filled in when encoding)
  Hash preimage_key{};                ///< key last written to the preimage channel
  std::uint64_t preimage_offset = 0;  ///< read cursor in (8-byte big-endian length || data)
  std::uint64_t pc = 0;
  std::uint64_t next_pc = 0;  ///< the instruction after pc: pc + 4, or a taken branch's target
  std::uint64_t step = 0;
  std::uint64_t heap = 0;            ///< program break
  std::uint64_t mmap_next = 0;       ///< next anonymous mapping
  std::uint64_t reservation = 0;     ///< LL/SC reservation address, valid if reservation_valid
  std::uint64_t thread_pointer = 0;  ///< set_thread_area; read by rdhwr $29
  /// The program's executable range. Zero bytes are a MIPS nop, so a jump into data or unused
  /// memory would otherwise slide on silently; fetching outside this range faults instead,
  /// as it does under an OS that maps only the program's segments.
  std::uint64_t code_start = 0, code_end = 0;
  std::uint64_t exit_code = 0;    ///< exit status as a parent sees it (a0 & 0xff)
  std::uint64_t fault_value = 0;  ///< faulting instruction bits or address
  std::uint64_t hi = 0, lo = 0;
  VmStatus status = VmStatus::running;
  FaultCause fault_cause = FaultCause::none;
  bool reservation_valid = false;
  std::uint8_t bits = 32;                                 ///< 32 (MIPS32, o32) or 64 (MIPS64, n64)
  std::array<std::uint64_t, 32> r{};                      ///< r[0] is always 0 and not encoded
  std::uint64_t memory_limit = kDefaultMemoryLimitPages;  ///< pages that may be non-zero
  std::uint64_t pages_in_use = 0;  ///< pages not all zero (filled in when encoding)

  friend bool operator==(const State&, const State&) = default;
};

/// Encoded size in bytes.
inline constexpr std::size_t kEncodedStateSize = 444;

/// The encoding, field by field (big-endian integers).
inline constexpr StateField kStateLayout[] = {
    {"memory_root", 0, 32, "Merkle root of the whole address space"},
    {"preimage_key", 32, 32, "key last written to the preimage channel (fd 6)"},
    {"preimage_offset", 64, 8, "read cursor in the length-prefixed preimage (fd 5)"},
    {"pc", 72, 8, "program counter"},
    {"next_pc", 80, 8, "next instruction: pc + 4, or the target of a taken branch"},
    {"step", 88, 8, "steps executed"},
    {"heap", 96, 8, "program break (brk)"},
    {"mmap_next", 104, 8, "address of the next anonymous mapping"},
    {"reservation", 112, 8, "LL/SC reservation address"},
    {"thread_pointer", 120, 8, "set_thread_area value, read by rdhwr $29"},
    {"code_start", 128, 8, "start of the program's executable range"},
    {"code_end", 136, 8, "end of the program's executable range"},
    {"exit_code", 144, 8, "exit status (a0 & 0xff of exit/exit_group)"},
    {"fault_value", 152, 8, "instruction bits or address of a fault"},
    {"hi", 160, 8, "HI"},
    {"lo", 168, 8, "LO"},
    {"status", 176, 1, "VmStatus: 0 exited ok, 1 exited failure, 2 faulted, 3 running"},
    {"fault_cause", 177, 1, "FaultCause, 0 unless faulted"},
    {"reservation_valid", 178, 1, "1 if the reservation is held"},
    {"bits", 179, 1, "32 (MIPS32) or 64 (MIPS64)"},
    {"registers", 180, 248, "r1..r31, 8 bytes each"},
    {"memory_limit", 428, 8, "4 KiB pages the guest may hold non-zero"},
    {"pages_in_use", 436, 8, "4 KiB pages that are not all zero"},
};
static_assert(is_contiguous_layout(kStateLayout, kEncodedStateSize));

inline constexpr MemoryLayout kMemoryLayout32[] = {{"memory_root", 32}};
inline constexpr MemoryLayout kMemoryLayout64[] = {{"memory_root", 64}};

/// The layout the backend declares (Backend::state_layout) for MIPS32 (bits 32) or MIPS64.
constexpr StateLayout state_layout(unsigned bits) {
  return StateLayout{kStateLayout, "status",
                     bits == 32 ? std::span<const MemoryLayout>(kMemoryLayout32)
                                : std::span<const MemoryLayout>(kMemoryLayout64)};
}

/// The state's bytes.
Bytes encode(const State& state);

/// Parses an encoded state; malformed_input on a wrong size or out-of-range field.
Result<State> decode(ByteView bytes);

}  // namespace faultline::mips
