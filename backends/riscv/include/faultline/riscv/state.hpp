// The RISC-V machine state and its encoding: the bytes a witness carries and the onchain
// verifier decodes. Layout table below; docs/backends/riscv.md shows it with the reasons.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"
#include "faultline/state_layout.hpp"

namespace faultline::riscv {

/// Why a machine stopped with VmStatus::faulted. Stored in the state, so a claim commits to it.
enum class FaultCause : std::uint8_t {
  none = 0,
  illegal_instruction = 1,  ///< unknown encoding, F/D/Q, a reserved compressed form, bad CSR
  breakpoint = 2,           ///< ebreak / c.ebreak
  misaligned_atomic = 3,    ///< LR/SC/AMO address not aligned to its size
  address_wrap = 4,         ///< an access runs past the top of the address space
  memory_limit = 5,         ///< a store would make memory_limit + 1 pages non-zero
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

/// The full state of a RISC-V hart and its process. Registers hold XLEN-bit values
/// zero-extended to 64 bits (RV32 uses the low 32 bits).
struct State {
  Hash memory_root{};                 ///< Merkle root of memory (filled in when encoding)
  Hash preimage_key{};                ///< key last written to the preimage channel
  std::uint64_t preimage_offset = 0;  ///< read cursor in (8-byte big-endian length || data)
  std::uint64_t pc = 0;
  std::uint64_t step = 0;         ///< steps executed; also drives cycle/time/instret
  std::uint64_t heap = 0;         ///< program break
  std::uint64_t mmap_next = 0;    ///< next anonymous mapping
  std::uint64_t reservation = 0;  ///< LR/SC reservation address, valid if reservation_valid
  std::uint64_t exit_code = 0;    ///< exit status as a parent sees it (a0 & 0xff)
  std::uint64_t fault_value = 0;  ///< faulting instruction bits or address
  VmStatus status = VmStatus::running;
  FaultCause fault_cause = FaultCause::none;
  bool reservation_valid = false;
  std::uint8_t xlen = 64;                                 ///< 32 or 64
  std::array<std::uint64_t, 32> x{};                      ///< x[0] is always 0 and not encoded
  std::uint64_t memory_limit = kDefaultMemoryLimitPages;  ///< pages that may be non-zero
  std::uint64_t pages_in_use = 0;  ///< pages not all zero (filled in when encoding)

  friend bool operator==(const State&, const State&) = default;
};

/// Encoded size in bytes.
inline constexpr std::size_t kEncodedStateSize = 396;

/// The encoding, field by field (big-endian integers).
inline constexpr StateField kStateLayout[] = {
    {"memory_root", 0, 32, "Merkle root of the whole address space"},
    {"preimage_key", 32, 32, "key last written to the preimage channel (fd 6)"},
    {"preimage_offset", 64, 8, "read cursor in the length-prefixed preimage (fd 5)"},
    {"pc", 72, 8, "program counter"},
    {"step", 80, 8, "steps executed"},
    {"heap", 88, 8, "program break (brk)"},
    {"mmap_next", 96, 8, "address of the next anonymous mapping"},
    {"reservation", 104, 8, "LR/SC reservation address"},
    {"exit_code", 112, 8, "exit status (a0 & 0xff of exit/exit_group)"},
    {"fault_value", 120, 8, "instruction bits or address of a fault"},
    {"status", 128, 1, "VmStatus: 0 exited ok, 1 exited failure, 2 faulted, 3 running"},
    {"fault_cause", 129, 1, "FaultCause, 0 unless faulted"},
    {"reservation_valid", 130, 1, "1 if the reservation is held"},
    {"xlen", 131, 1, "32 or 64"},
    {"registers", 132, 248, "x1..x31, 8 bytes each"},
    {"memory_limit", 380, 8, "4 KiB pages the guest may hold non-zero"},
    {"pages_in_use", 388, 8, "4 KiB pages that are not all zero"},
};
static_assert(is_contiguous_layout(kStateLayout, kEncodedStateSize));

/// The memory under memory_root: the whole 2^xlen-byte address space.
inline constexpr MemoryLayout kMemoryLayout32[] = {{"memory_root", 32}};
inline constexpr MemoryLayout kMemoryLayout64[] = {{"memory_root", 64}};

/// The layout the backend declares (Backend::state_layout) for RV32 (xlen 32) or RV64.
constexpr StateLayout state_layout(unsigned xlen) {
  return StateLayout{kStateLayout, "status",
                     xlen == 32 ? std::span<const MemoryLayout>(kMemoryLayout32)
                                : std::span<const MemoryLayout>(kMemoryLayout64)};
}

/// The state's bytes.
Bytes encode(const State& state);

/// Parses an encoded state; malformed_input on a wrong size or out-of-range field.
Result<State> decode(ByteView bytes);

}  // namespace faultline::riscv
