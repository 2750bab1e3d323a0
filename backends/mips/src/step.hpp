// One MIPS step, written once and instantiated for every use: the fast executor, the witness
// recorder and the replaying step verifier differ only in their context.
//
// Implementation-defined choices, stated once (the spec leaves them UNPREDICTABLE; where qemu
// picks a behaviour we take the same, since it is our reference):
// - one CPU, in order; sync, synci and pref do nothing;
// - branches have delay slots: the state holds pc and next_pc. A taken branch sets next_pc to
//   its target; a branch-likely that is not taken skips its delay slot. A branch or jump whose
//   next_pc is not pc + 4 (it sits in the delay slot of a taken branch) faults;
// - div/divu/ddiv/ddivu by zero, and the signed overflow cases, divide by 1 instead (qemu);
// - 32-bit operations on MIPS64 use the low 32 bits of their operands and sign-extend results;
// - loads, stores and fetches must be aligned (address error otherwise, as on hardware);
// - instructions are fetched only from the program's executable range (code_start/code_end);
//   lwl/lwr/swl/swr and ldl/ldr/sdl/sdr read or write the aligned word that holds the address;
// - ll/sc: sc succeeds iff a reservation is held for exactly its address; every sc clears it;
// - a store that would make an all-zero page non-zero while memory_limit pages are non-zero
//   faults (FaultCause::memory_limit, the address written: the aligned word of swl/swr/sdl/
//   sdr); of clock_gettime's two stores, the first stays written if the second is refused;
// - a fault keeps pc at the faulting instruction, counts as a step, and ends the run.
#pragma once

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "faultline/mips/state.hpp"
#include "faultline/step_support.hpp"
#include "isa.hpp"

namespace faultline::mips {

/// Linux MIPS system call numbers (o32 on MIPS32, n64 on MIPS64), errno values and the
/// preimage channels (the same descriptors as every faultline VM).
namespace sys {
struct Numbers {
  std::uint64_t read, write, exit, exit_group, brk, mmap, mmap2, munmap, set_thread_area,
      clock_gettime, clock_gettime64;
};
inline constexpr Numbers kO32{4003, 4004, 4001, 4246, 4045, 4090, 4210, 4091, 4283, 4263, 4403};
// n64 has no mmap2 or clock_gettime64 (its mmap and clock_gettime are 64-bit): 0, never matched.
inline constexpr Numbers kN64{5000, 5001, 5058, 5205, 5012, 5009, 0, 5011, 5242, 5222, 0};
inline constexpr int kHintRead = 3, kHintWrite = 4, kPreimageRead = 5, kPreimageWrite = 6;
inline constexpr std::uint64_t kEBADF = 9, kENOMEM = 12, kENODEV = 19, kEINVAL = 22, kENOSYS = 89;
inline constexpr std::uint64_t kMapFixed = 0x10, kMapAnonymous = 0x800;
}  // namespace sys

/// What a context must offer the step. Accesses are aligned to their size, so each lies in
/// one 32-byte memory leaf.
template <class C>
concept StepContext = requires(C& c, std::uint64_t address, unsigned size, std::uint64_t value,
                               int fd, const Hash& key) {
  { c.state } -> std::same_as<State&>;
  /// The 32-bit instruction at a 4-aligned address.
  { c.fetch32(address) } -> std::same_as<std::uint32_t>;
  /// Big-endian load/store of 1, 2, 4 or 8 bytes at an address aligned to the size.
  { c.load(address, size) } -> std::same_as<std::uint64_t>;
  /// A store returns false if the memory limit refused it (nothing is written).
  { c.store(address, size, value) } -> std::same_as<bool>;
  /// Guest output on fd 1 or 2; not part of the state, so it needs no proof.
  c.write_output(fd, address, value);
  /// The preimage for `key`, or nullptr if the oracle lacks it (the step then blocks).
  { c.preimage(key) } -> std::same_as<const ByteView*>;
};

using faultline::StepOutcome;

namespace detail {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

constexpr std::uint64_t sext32(std::uint64_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)));
}
constexpr std::uint64_t sext16(std::uint64_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int16_t>(v)));
}
constexpr std::uint64_t sext8(std::uint64_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int8_t>(v)));
}
/// Ones in the low `bits` bits (0..64).
constexpr std::uint64_t low_mask(unsigned bits) {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}
/// Bytes swapped within each 16-bit half.
constexpr std::uint64_t swap_bytes_in_halves(std::uint64_t v) {
  return (v & 0x00ff00ff00ff00ffULL) << 8 | (v >> 8 & 0x00ff00ff00ff00ffULL);
}

}  // namespace detail

#define FAULTLINE_MIPS_INLINE __attribute__((always_inline)) inline

/// An instruction as fetched and decoded.
struct Fetched {
  Op op = Op::illegal;
  std::uint8_t rs = 0, rt = 0, rd = 0, sa = 0;
  // Free for a decode cache; the fast run loop keeps its handler number (0: not decoded) and
  // the length of the straight-line run from here (run_loop.hpp).
  std::uint8_t handler = 0;
  std::uint16_t run = 0;
  std::uint32_t insn = 0;
  std::uint32_t unused = 0;  ///< pads slots to 16 bytes, so slot arithmetic is a shift
};
static_assert(sizeof(Fetched) == 16, "decode caches hold a slot per instruction");

template <unsigned Bits>
constexpr Fetched decode_fetched(std::uint32_t insn) {
  Fetched f;
  f.op = decode<Bits>(insn);
  f.rs = static_cast<std::uint8_t>(rs(insn));
  f.rt = static_cast<std::uint8_t>(rt(insn));
  f.rd = static_cast<std::uint8_t>(rd(insn));
  f.sa = static_cast<std::uint8_t>(sa(insn));
  f.insn = insn;
  return f;
}

/// Control transfers: the ops whose successor is not simply the next instruction.
constexpr bool transfers_control(Op op) {
  if (op == Op::illegal) return false;
  const OpClass kind = kEncodings[static_cast<std::size_t>(op)].op_class;
  return kind == OpClass::branch || kind == OpClass::jump;
}

/// Ops that read the step counter (syscalls: clock_gettime) or may block; the fast run loop
/// hands these to step() with the state fully written back.
constexpr bool needs_full_state(Op op) {
  return op == Op::syscall || op == Op::illegal;
}

/// The semantics of `op` on a MIPS32 (Bits 32) or MIPS64 (Bits 64) CPU at `pc` with the
/// successor `next`; new_pc and new_next come in as next and next + 4. Only control
/// transfers read pc and next or write new_pc and new_next. Does not count the step: the
/// caller does, for `next` and `stopped`.
template <unsigned Bits, Op op, StepContext Ctx>
FAULTLINE_MIPS_INLINE Flow
execute(Ctx& ctx, const Fetched& fetched,
        std::conditional_t<Bits == 64, std::uint64_t, std::uint32_t> pc,
        std::conditional_t<Bits == 64, std::uint64_t, std::uint32_t> next,
        std::conditional_t<Bits == 64, std::uint64_t, std::uint32_t>& new_pc,
        std::conditional_t<Bits == 64, std::uint64_t, std::uint32_t>& new_next) {
  using U = std::conditional_t<Bits == 64, std::uint64_t, std::uint32_t>;
  using S = std::make_signed_t<U>;
  using detail::sext16;
  using detail::sext32;
  using detail::sext8;
  const sys::Numbers& numbers = Bits == 64 ? sys::kN64 : sys::kO32;

  State& s = ctx.state;
  const auto reg = [&s](unsigned i) __attribute__((always_inline))->U {
    return static_cast<U>(s.r[i]);
  };
  // r0 is written like any register, then zeroed again: cheaper than a test on every write.
  const auto set = [&s](unsigned i, std::uint64_t value) __attribute__((always_inline)) {
    s.r[i] = static_cast<U>(value);
    s.r[0] = 0;
  };
  const auto fault = [&s](FaultCause cause, std::uint64_t value) __attribute__((always_inline)) {
    s.status = VmStatus::faulted;
    s.fault_cause = cause;
    s.fault_value = value;
    return Flow::stopped;
  };

  // `fetched` may live in a decode cache that a store of this very instruction invalidates
  // (self-modifying code): everything needed from it is copied out here, before any access.
  const std::uint32_t insn = fetched.insn;
  const unsigned d = fetched.rd, t = fetched.rt, shift = fetched.sa;
  const U a = reg(fetched.rs);
  const U b = reg(t);
  const std::int64_t simm = static_cast<std::int16_t>(insn & 0xffff);
  const std::uint64_t zimm = insn & 0xffff;
  const bool in_delay_slot = next != static_cast<U>(pc + 4);
  // The 32-bit result of a 32-bit operation, as the register holds it.
  const auto word = [](std::uint64_t v) __attribute__((always_inline))->U {
    return static_cast<U>(sext32(v));
  };
  const auto hi_lo = [&s](std::uint64_t hi, std::uint64_t lo) __attribute__((always_inline)) {
    s.hi = static_cast<U>(hi);
    s.lo = static_cast<U>(lo);
  };
  const auto aligned = [](U address, unsigned size) __attribute__((always_inline)) {
    return address % size == 0;
  };

  // Control transfer. Returns false if the instruction may not be in a delay slot here.
  enum class Likely : bool { no, yes };
  const auto branch = [&](bool taken, Likely likely, unsigned link) __attribute__((always_inline)) {
    if (in_delay_slot) return false;
    if (link != 0) set(link, pc + 8);
    if (taken) {
      new_next = static_cast<U>(pc + 4 + static_cast<U>(simm * 4));
    } else if (likely == Likely::yes) {
      new_pc = static_cast<U>(next + 4);
      new_next = static_cast<U>(next + 8);
    }
    return true;
  };
  const auto jump = [&](U target, unsigned link) __attribute__((always_inline)) {
    if (in_delay_slot) return false;
    if (link != 0) set(link, pc + 8);
    new_next = target;
    return true;
  };
  const std::uint32_t raw = insn;

  switch (op) {
    // Shifts and rotates
    case Op::sll:
      set(d, word(static_cast<std::uint32_t>(b) << shift));
      break;
    case Op::srl:
      set(d, word(static_cast<std::uint32_t>(b) >> shift));
      break;
    case Op::rotr:
      set(d, word(std::rotr(static_cast<std::uint32_t>(b), static_cast<int>(shift))));
      break;
    case Op::sra:
      set(d, word(static_cast<std::uint32_t>(static_cast<std::int32_t>(b) >> shift)));
      break;
    case Op::sllv:
      set(d, word(static_cast<std::uint32_t>(b) << (a & 31)));
      break;
    case Op::srlv:
      set(d, word(static_cast<std::uint32_t>(b) >> (a & 31)));
      break;
    case Op::rotrv:
      set(d, word(std::rotr(static_cast<std::uint32_t>(b), static_cast<int>(a & 31))));
      break;
    case Op::srav:
      set(d, word(static_cast<std::uint32_t>(static_cast<std::int32_t>(b) >> (a & 31))));
      break;
    case Op::dsll:
    case Op::dsll32:
      set(d, static_cast<std::uint64_t>(b) << (shift + (op == Op::dsll32 ? 32 : 0)));
      break;
    case Op::dsrl:
    case Op::dsrl32:
      set(d, static_cast<std::uint64_t>(b) >> (shift + (op == Op::dsrl32 ? 32 : 0)));
      break;
    case Op::dsra:
    case Op::dsra32:
      set(d, static_cast<std::uint64_t>(static_cast<std::int64_t>(b) >>
                                        (shift + (op == Op::dsra32 ? 32 : 0))));
      break;
    case Op::drotr:
    case Op::drotr32:
      set(d, std::rotr(static_cast<std::uint64_t>(b),
                       static_cast<int>(shift + (op == Op::drotr32 ? 32 : 0))));
      break;
    case Op::dsllv:
      set(d, static_cast<std::uint64_t>(b) << (a & 63));
      break;
    case Op::dsrlv:
      set(d, static_cast<std::uint64_t>(b) >> (a & 63));
      break;
    case Op::dsrav:
      set(d, static_cast<std::uint64_t>(static_cast<std::int64_t>(b) >> (a & 63)));
      break;
    case Op::drotrv:
      set(d, std::rotr(static_cast<std::uint64_t>(b), static_cast<int>(a & 63)));
      break;

    // Arithmetic and logic
    case Op::add:
    case Op::addi:
    case Op::sub: {
      const std::int64_t x = static_cast<std::int32_t>(a);
      const std::int64_t y = op == Op::addi ? simm : static_cast<std::int32_t>(b);
      const std::int64_t r = op == Op::sub ? x - y : x + y;
      if (r != static_cast<std::int32_t>(r)) return fault(FaultCause::integer_overflow, raw);
      set(op == Op::addi ? t : d, word(static_cast<std::uint64_t>(r)));
      break;
    }
    case Op::dadd:
    case Op::daddi:
    case Op::dsub: {
      const auto x = static_cast<std::int64_t>(a);
      const std::int64_t y = op == Op::daddi ? simm : static_cast<std::int64_t>(b);
      std::int64_t r = 0;
      const bool overflow =
          op == Op::dsub ? __builtin_sub_overflow(x, y, &r) : __builtin_add_overflow(x, y, &r);
      if (overflow) return fault(FaultCause::integer_overflow, raw);
      set(op == Op::daddi ? t : d, static_cast<std::uint64_t>(r));
      break;
    }
    case Op::addu:
      set(d, word(a + b));
      break;
    case Op::addiu:
      set(t, word(a + static_cast<U>(simm)));
      break;
    case Op::subu:
      set(d, word(a - b));
      break;
    case Op::daddu:
      set(d, a + b);
      break;
    case Op::daddiu:
      set(t, a + static_cast<U>(simm));
      break;
    case Op::dsubu:
      set(d, a - b);
      break;
    case Op::and_:
      set(d, a & b);
      break;
    case Op::or_:
      set(d, a | b);
      break;
    case Op::xor_:
      set(d, a ^ b);
      break;
    case Op::nor:
      set(d, ~(a | b));
      break;
    case Op::andi:
      set(t, a & zimm);
      break;
    case Op::ori:
      set(t, a | zimm);
      break;
    case Op::xori:
      set(t, a ^ zimm);
      break;
    case Op::lui:
      set(t, word(zimm << 16));
      break;
    case Op::slt:
      set(d, static_cast<S>(a) < static_cast<S>(b));
      break;
    case Op::sltu:
      set(d, a < b);
      break;
    case Op::slti:
      set(t, static_cast<S>(a) < simm);
      break;
    case Op::sltiu:
      set(t, a < static_cast<U>(simm));
      break;
    case Op::movz:
      if (b == 0) set(d, a);
      break;
    case Op::movn:
      if (b != 0) set(d, a);
      break;
    case Op::clz:
      set(d, std::countl_zero(static_cast<std::uint32_t>(a)));
      break;
    case Op::clo:
      set(d, std::countl_one(static_cast<std::uint32_t>(a)));
      break;
    case Op::dclz:
      set(d, std::countl_zero(static_cast<std::uint64_t>(a)));
      break;
    case Op::dclo:
      set(d, std::countl_one(static_cast<std::uint64_t>(a)));
      break;
    case Op::seb:
      set(d, sext8(b));
      break;
    case Op::seh:
      set(d, sext16(b));
      break;
    case Op::wsbh:
      set(d, word(detail::swap_bytes_in_halves(static_cast<std::uint32_t>(b))));
      break;
    case Op::dsbh:
      set(d, detail::swap_bytes_in_halves(b));
      break;
    case Op::dshd: {
      const std::uint64_t v = b;
      set(d, v << 48 | (v << 16 & 0x0000ffff00000000ULL) | (v >> 16 & 0x00000000ffff0000ULL) |
                 v >> 48);
      break;
    }

    // Bit fields: ext/ins and their 64-bit forms; a field past the register is illegal (qemu)
    case Op::ext:
    case Op::dext:
    case Op::dextm:
    case Op::dextu: {
      const unsigned position = shift + (op == Op::dextu ? 32 : 0);
      const unsigned size = d + 1 + (op == Op::dextm ? 32 : 0);
      if (position + size > (op == Op::ext ? 32u : 64u))
        return fault(FaultCause::illegal_instruction, raw);
      const std::uint64_t field =
          (static_cast<std::uint64_t>(a) >> position) & detail::low_mask(size);
      set(t, op == Op::ext ? word(field) : field);
      break;
    }
    case Op::ins:
    case Op::dins:
    case Op::dinsm:
    case Op::dinsu: {
      const unsigned low = shift + (op == Op::dinsu ? 32 : 0);
      const unsigned high = d + (op == Op::dinsm || op == Op::dinsu ? 32 : 0);
      if (high < low) return fault(FaultCause::illegal_instruction, raw);
      const std::uint64_t mask = detail::low_mask(high - low + 1) << low;
      const std::uint64_t merged =
          (static_cast<std::uint64_t>(b) & ~mask) | ((static_cast<std::uint64_t>(a) << low) & mask);
      set(t, op == Op::ins ? word(merged) : merged);
      break;
    }

    // HI/LO: multiply, divide, accumulate
    case Op::mfhi:
      set(d, s.hi);
      break;
    case Op::mflo:
      set(d, s.lo);
      break;
    case Op::mthi:
      s.hi = a;
      break;
    case Op::mtlo:
      s.lo = a;
      break;
    case Op::mult: {
      const std::int64_t p =
          std::int64_t{static_cast<std::int32_t>(a)} * static_cast<std::int32_t>(b);
      hi_lo(word(static_cast<std::uint64_t>(p) >> 32), word(static_cast<std::uint64_t>(p)));
      break;
    }
    case Op::multu: {
      const std::uint64_t p =
          std::uint64_t{static_cast<std::uint32_t>(a)} * static_cast<std::uint32_t>(b);
      hi_lo(word(p >> 32), word(p));
      break;
    }
    case Op::mul:
      set(d, word(static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b)));
      break;
    case Op::madd:
    case Op::msub:
    case Op::maddu:
    case Op::msubu: {
      const std::uint64_t acc = static_cast<std::uint64_t>(static_cast<std::uint32_t>(s.hi)) << 32 |
                                static_cast<std::uint32_t>(s.lo);
      const std::uint64_t p =
          op == Op::madd || op == Op::msub
              ? static_cast<std::uint64_t>(std::int64_t{static_cast<std::int32_t>(a)} *
                                           static_cast<std::int32_t>(b))
              : std::uint64_t{static_cast<std::uint32_t>(a)} * static_cast<std::uint32_t>(b);
      const std::uint64_t r = op == Op::madd || op == Op::maddu ? acc + p : acc - p;
      hi_lo(word(r >> 32), word(r));
      break;
    }
    case Op::div: {
      const std::int32_t x = static_cast<std::int32_t>(a);
      std::int32_t y = static_cast<std::int32_t>(b);
      if (y == 0 || (x == std::numeric_limits<std::int32_t>::min() && y == -1)) y = 1;
      hi_lo(word(static_cast<std::uint32_t>(x % y)), word(static_cast<std::uint32_t>(x / y)));
      break;
    }
    case Op::divu: {
      const std::uint32_t x = static_cast<std::uint32_t>(a);
      std::uint32_t y = static_cast<std::uint32_t>(b);
      if (y == 0) y = 1;
      hi_lo(word(x % y), word(x / y));
      break;
    }
    case Op::dmult: {
      const detail::Int128 p =
          detail::Int128{static_cast<std::int64_t>(a)} * static_cast<std::int64_t>(b);
      hi_lo(static_cast<std::uint64_t>(static_cast<detail::UInt128>(p) >> 64),
            static_cast<std::uint64_t>(p));
      break;
    }
    case Op::dmultu: {
      const detail::UInt128 p = detail::UInt128{a} * static_cast<std::uint64_t>(b);
      hi_lo(static_cast<std::uint64_t>(p >> 64), static_cast<std::uint64_t>(p));
      break;
    }
    case Op::ddiv: {
      const auto x = static_cast<std::int64_t>(a);
      auto y = static_cast<std::int64_t>(b);
      if (y == 0 || (x == std::numeric_limits<std::int64_t>::min() && y == -1)) y = 1;
      hi_lo(static_cast<std::uint64_t>(x % y), static_cast<std::uint64_t>(x / y));
      break;
    }
    case Op::ddivu: {
      const std::uint64_t x = a;
      std::uint64_t y = b;
      if (y == 0) y = 1;
      hi_lo(x % y, x / y);
      break;
    }

    // Branches and jumps (delay slots: see the top of the file)
    case Op::beq:
    case Op::beql:
      if (!branch(a == b, Likely{op == Op::beql}, 0))
        return fault(FaultCause::branch_in_delay_slot, raw);
      break;
    case Op::bne:
    case Op::bnel:
      if (!branch(a != b, Likely{op == Op::bnel}, 0))
        return fault(FaultCause::branch_in_delay_slot, raw);
      break;
    case Op::blez:
    case Op::blezl:
      if (!branch(static_cast<S>(a) <= 0, Likely{op == Op::blezl}, 0))
        return fault(FaultCause::branch_in_delay_slot, raw);
      break;
    case Op::bgtz:
    case Op::bgtzl:
      if (!branch(static_cast<S>(a) > 0, Likely{op == Op::bgtzl}, 0))
        return fault(FaultCause::branch_in_delay_slot, raw);
      break;
    case Op::bltz:
    case Op::bltzl:
    case Op::bltzal:
    case Op::bltzall:
      if (!branch(static_cast<S>(a) < 0, Likely{op == Op::bltzl || op == Op::bltzall},
                  op == Op::bltzal || op == Op::bltzall ? 31 : 0))
        return fault(FaultCause::branch_in_delay_slot, raw);
      break;
    case Op::bgez:
    case Op::bgezl:
    case Op::bgezal:
    case Op::bgezall:
      if (!branch(static_cast<S>(a) >= 0, Likely{op == Op::bgezl || op == Op::bgezall},
                  op == Op::bgezal || op == Op::bgezall ? 31 : 0))
        return fault(FaultCause::branch_in_delay_slot, raw);
      break;
    case Op::j:
    case Op::jal: {
      const U region = static_cast<U>((pc + 4) & ~U{0x0fffffff});
      if (!jump(region | static_cast<U>((insn & 0x03ffffff) << 2), op == Op::jal ? 31 : 0))
        return fault(FaultCause::branch_in_delay_slot, raw);
      break;
    }
    case Op::jr:
    case Op::jalr:
      if (!jump(a, op == Op::jalr ? d : 0)) return fault(FaultCause::branch_in_delay_slot, raw);
      break;

    // Traps
    case Op::teq:
    case Op::tne:
    case Op::tge:
    case Op::tgeu:
    case Op::tlt:
    case Op::tltu:
    case Op::teqi:
    case Op::tnei:
    case Op::tgei:
    case Op::tgeiu:
    case Op::tlti:
    case Op::tltiu: {
      const bool immediate = op_immediate(op) == Immediate::S;
      const U y = immediate ? static_cast<U>(simm) : b;
      bool condition = false;
      switch (op) {
        case Op::teq:
        case Op::teqi:
          condition = a == y;
          break;
        case Op::tne:
        case Op::tnei:
          condition = a != y;
          break;
        case Op::tge:
        case Op::tgei:
          condition = static_cast<S>(a) >= static_cast<S>(y);
          break;
        case Op::tgeu:
        case Op::tgeiu:
          condition = a >= y;
          break;
        case Op::tlt:
        case Op::tlti:
          condition = static_cast<S>(a) < static_cast<S>(y);
          break;
        default:  // tltu, tltiu
          condition = a < y;
          break;
      }
      if (condition) return fault(FaultCause::trap, raw);
      break;
    }

    // Loads and stores
#define FAULTLINE_MIPS_LOAD(op_name, size, extend)                                 \
  case Op::op_name: {                                                              \
    const U address = static_cast<U>(a + static_cast<U>(simm));                    \
    if (!aligned(address, size)) return fault(FaultCause::address_error, address); \
    set(t, extend(ctx.load(address, size)));                                       \
    break;                                                                         \
  }
#define FAULTLINE_MIPS_STORE(op_name, size)                                            \
  case Op::op_name: {                                                                  \
    const U address = static_cast<U>(a + static_cast<U>(simm));                        \
    if (!aligned(address, size)) return fault(FaultCause::address_error, address);     \
    if (!ctx.store(address, size, b)) return fault(FaultCause::memory_limit, address); \
    break;                                                                             \
  }
      FAULTLINE_MIPS_LOAD(lb, 1, sext8)
      FAULTLINE_MIPS_LOAD(lbu, 1, [](std::uint64_t v) { return v; })
      FAULTLINE_MIPS_LOAD(lh, 2, sext16)
      FAULTLINE_MIPS_LOAD(lhu, 2, [](std::uint64_t v) { return v; })
      FAULTLINE_MIPS_LOAD(lw, 4, sext32)
      FAULTLINE_MIPS_LOAD(lwu, 4, [](std::uint64_t v) { return v; })
      FAULTLINE_MIPS_LOAD(ld, 8, [](std::uint64_t v) { return v; })
      FAULTLINE_MIPS_STORE(sb, 1)
      FAULTLINE_MIPS_STORE(sh, 2)
      FAULTLINE_MIPS_STORE(sw, 4)
      FAULTLINE_MIPS_STORE(sd, 8)
#undef FAULTLINE_MIPS_LOAD
#undef FAULTLINE_MIPS_STORE

    // Unaligned word and doubleword parts (big-endian): the aligned unit holding the address.
    case Op::lwl:
    case Op::lwr:
    case Op::swl:
    case Op::swr: {
      const U address = static_cast<U>(a + static_cast<U>(simm));
      const U base = address & ~U{3};
      const unsigned k = 8 * static_cast<unsigned>(address & 3);  // bits before the address
      const std::uint32_t memory = static_cast<std::uint32_t>(ctx.load(base, 4));
      const std::uint32_t value = static_cast<std::uint32_t>(b);
      if (op == Op::lwl) {
        set(t, word(memory << k | (value & static_cast<std::uint32_t>(detail::low_mask(k)))));
      } else if (op == Op::lwr) {
        const unsigned r = 24 - k;  // bits after the address's byte
        set(t, word(memory >> r | (value & ~static_cast<std::uint32_t>(0xffffffffu >> r))));
      } else {
        const unsigned r = 24 - k;
        const std::uint32_t merged =
            op == Op::swl ? value >> k | (memory & ~static_cast<std::uint32_t>(0xffffffffu >> k))
                          : static_cast<std::uint32_t>(value << r) |
                                (memory & static_cast<std::uint32_t>(detail::low_mask(r)));
        if (!ctx.store(base, 4, merged)) return fault(FaultCause::memory_limit, base);
      }
      break;
    }
    case Op::ldl:
    case Op::ldr:
    case Op::sdl:
    case Op::sdr: {
      const U address = static_cast<U>(a + static_cast<U>(simm));
      const U base = address & ~U{7};
      const unsigned k = 8 * static_cast<unsigned>(address & 7);
      const std::uint64_t memory = ctx.load(base, 8);
      const std::uint64_t value = b;
      if (op == Op::ldl) {
        set(t, memory << k | (value & detail::low_mask(k)));
      } else if (op == Op::ldr) {
        const unsigned r = 56 - k;
        set(t, memory >> r | (value & ~(~std::uint64_t{0} >> r)));
      } else {
        const unsigned r = 56 - k;
        const std::uint64_t merged = op == Op::sdl
                                         ? value >> k | (memory & ~(~std::uint64_t{0} >> k))
                                         : value << r | (memory & detail::low_mask(r));
        if (!ctx.store(base, 8, merged)) return fault(FaultCause::memory_limit, base);
      }
      break;
    }

    // Atomics
    case Op::ll:
    case Op::lld: {
      const unsigned size = op == Op::ll ? 4 : 8;
      const U address = static_cast<U>(a + static_cast<U>(simm));
      if (!aligned(address, size)) return fault(FaultCause::address_error, address);
      const std::uint64_t value = ctx.load(address, size);
      set(t, size == 4 ? sext32(value) : value);
      s.reservation = address;
      s.reservation_valid = true;
      break;
    }
    case Op::sc:
    case Op::scd: {
      const unsigned size = op == Op::sc ? 4 : 8;
      const U address = static_cast<U>(a + static_cast<U>(simm));
      if (!aligned(address, size)) return fault(FaultCause::address_error, address);
      const bool success = s.reservation_valid && s.reservation == address;
      if (success && !ctx.store(address, size, b)) {
        return fault(FaultCause::memory_limit, address);
      }
      set(t, success ? 1 : 0);
      s.reservation_valid = false;
      s.reservation = 0;
      break;
    }

    // System
    case Op::sync:
    case Op::synci:
    case Op::pref:
      break;
    case Op::break_:
      return fault(FaultCause::breakpoint, raw);
    case Op::rdhwr:
      if (d != 29) return fault(FaultCause::illegal_instruction, raw);  // only the thread pointer
      set(t, s.thread_pointer);
      break;
    case Op::syscall: {
      const std::uint64_t number = reg(2);
      const auto is = [number](std::uint64_t call) { return call != 0 && number == call; };
      const U a0 = reg(4), a1 = reg(5), a2 = reg(6), a3 = reg(7);
      const AddressMap& map = Bits == 64 ? kAddressMap64 : kAddressMap32;
      std::uint64_t result = 0;
      std::uint64_t error = 0;  // a positive errno, reported with a3 = 1
      if (number == numbers.exit || number == numbers.exit_group) {
        s.exit_code = a0 & 0xff;
        s.status = s.exit_code == 0 ? VmStatus::exited_ok : VmStatus::exited_failure;
        return Flow::stopped;
      }
      if (number == numbers.read) {
        if (a0 == sys::kPreimageRead) {
          const ByteView* data = ctx.preimage(s.preimage_key);
          if (data == nullptr) return Flow::blocked;
          // The stream is the 8-byte big-endian length followed by the data. One read returns
          // bytes from one 32-byte part of the stream into one 32-byte memory leaf.
          const std::uint64_t total = 8 + data->size();
          const std::uint64_t offset = s.preimage_offset;
          if (offset < total && a2 != 0) {
            std::uint64_t count = a2;
            count = std::min<std::uint64_t>(count, 32 - offset % 32);
            count = std::min<std::uint64_t>(count, total - offset);
            count = std::min<std::uint64_t>(count, 32 - a1 % 32);
            for (std::uint64_t i = 0; i < count; ++i) {
              const std::uint64_t at = offset + i;
              const std::uint8_t byte =
                  at < 8 ? static_cast<std::uint8_t>(data->size() >> (8 * (7 - at)))
                         : (*data)[at - 8];
              if (!ctx.store(static_cast<U>(a1 + i), 1, byte)) {
                return fault(FaultCause::memory_limit, a1);
              }
            }
            s.preimage_offset = offset + count;
            result = count;
          }
        } else if (a0 == 0 || a0 == sys::kHintRead) {
          result = 0;  // no stdin: programs read their inputs from the preimage oracle
        } else {
          error = sys::kEBADF;
        }
      } else if (number == numbers.write) {
        if (a0 == 1 || a0 == 2) {
          ctx.write_output(static_cast<int>(a0), a1, a2);
          result = a2;
        } else if (a0 == sys::kHintWrite) {
          result = a2;  // hints are advice to the host; ignored
        } else if (a0 == sys::kPreimageWrite) {
          // Key bytes shift in from the right; at most one memory leaf per step.
          const std::uint64_t count = std::min<std::uint64_t>(a2, 32 - a1 % 32);
          for (std::uint64_t i = 0; i < count; ++i) {
            std::copy(s.preimage_key.begin() + 1, s.preimage_key.end(), s.preimage_key.begin());
            s.preimage_key[31] = static_cast<std::uint8_t>(ctx.load(static_cast<U>(a1 + i), 1));
          }
          s.preimage_offset = 0;
          result = count;
        } else {
          error = sys::kEBADF;
        }
      } else if (number == numbers.brk) {
        if (a0 != 0 && a0 < map.mmap_base) s.heap = a0;
        result = s.heap;
      } else if (is(numbers.mmap) || is(numbers.mmap2)) {
        const std::uint64_t size = (static_cast<std::uint64_t>(a1) + 4095) & ~std::uint64_t{4095};
        if ((a3 & sys::kMapAnonymous) == 0) {
          error = sys::kENODEV;
        } else if (a1 == 0 || (a3 & sys::kMapFixed) != 0 || size < a1) {
          error = sys::kEINVAL;
        } else if (size > map.mmap_end - s.mmap_next) {
          error = sys::kENOMEM;
        } else {
          result = s.mmap_next;  // fresh memory is all zero
          s.mmap_next += size;
        }
      } else if (number == numbers.munmap) {
        result = 0;  // addresses are never reused, so nothing to do
      } else if (number == numbers.set_thread_area) {
        s.thread_pointer = a0;
        result = 0;
      } else if (is(numbers.clock_gettime) || is(numbers.clock_gettime64)) {
        // o32's clock_gettime has 32-bit fields; clock_gettime64 and n64 have 64-bit ones.
        const unsigned field = Bits == 32 && number == numbers.clock_gettime ? 4 : 8;
        if (!aligned(a1, field)) return fault(FaultCause::address_error, a1);
        if (!ctx.store(a1, field, s.step / 1'000'000'000)) {
          return fault(FaultCause::memory_limit, a1);
        }
        if (!ctx.store(static_cast<U>(a1 + field), field, s.step % 1'000'000'000)) {
          return fault(FaultCause::memory_limit, static_cast<U>(a1 + field));
        }
        result = 0;
      } else {
        error = sys::kENOSYS;
      }
      set(2, error != 0 ? error : result);
      set(7, error != 0 ? 1 : 0);
      break;
    }

    // Op::illegal: unknown, FPU, coprocessor and privileged encodings.
    default:
      return fault(FaultCause::illegal_instruction, raw);
  }

  return Flow::next;
}

/// Executes one instruction of a MIPS32 (Bits 32) or MIPS64 (Bits 64) CPU.
template <unsigned Bits, StepContext Ctx>
FAULTLINE_MIPS_INLINE StepOutcome step(Ctx& ctx) {
  using U = std::conditional_t<Bits == 64, std::uint64_t, std::uint32_t>;
  State& s = ctx.state;
  if (s.status != VmStatus::running) return StepOutcome::halted;

  const U pc = static_cast<U>(s.pc);
  const U next = static_cast<U>(s.next_pc);
  U new_pc = next;
  U new_next = static_cast<U>(next + 4);
  Flow flow = Flow::stopped;
  const auto fault = [&s](FaultCause cause, std::uint64_t value) {
    s.status = VmStatus::faulted;
    s.fault_cause = cause;
    s.fault_value = value;
  };
  if (pc % 4 != 0) {
    fault(FaultCause::address_error, pc);
  } else if (pc < s.code_start || pc >= s.code_end) {
    fault(FaultCause::fetch_outside_code, pc);
  } else {
    const Fetched fetched = decode_fetched<Bits>(ctx.fetch32(pc));
    switch (fetched.op) {
#define MIPS_INSN(name, mask, match, bits, immediate, op_class)               \
  case Op::name:                                                              \
    flow = execute<Bits, Op::name>(ctx, fetched, pc, next, new_pc, new_next); \
    break;
#include "isa.def"
#undef MIPS_INSN
      default:
        flow = execute<Bits, Op::illegal>(ctx, fetched, pc, next, new_pc, new_next);
    }
  }
  if (flow == Flow::blocked) return StepOutcome::blocked;
  if (flow == Flow::next) {
    s.pc = new_pc;
    s.next_pc = new_next;
  }
  s.step += 1;
  return StepOutcome::executed;
}

}  // namespace faultline::mips
