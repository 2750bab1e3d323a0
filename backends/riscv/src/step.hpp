// One RISC-V step, written once and instantiated for every use: the fast executor, the witness
// recorder and the replaying step verifier differ only in their context (memory access,
// preimages, output), never in semantics.
//
// Implementation-defined choices, stated once:
// - one hart, sequentially consistent; aq/rl bits and fences are no-ops;
// - SC succeeds iff a reservation is held for exactly its address (stores in between do not
//   break it); every SC clears the reservation;
// - misaligned loads and stores are performed (as qemu-user does); LR/SC/AMOs must be aligned;
// - an access that runs past the top of the address space faults (FaultCause::address_wrap);
// - a store that would make an all-zero page non-zero while memory_limit pages are non-zero
//   faults (FaultCause::memory_limit, the store's address), leaf part by leaf part: the parts
//   of a store (or of clock_gettime's two stores) before the refused one stay written;
// - cycle, time and instret read the step counter (time in nanoseconds at one step per ns);
// - a fault keeps pc at the faulting instruction, counts as a step, and ends the run.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "faultline/riscv/state.hpp"
#include "faultline/step_support.hpp"
#include "isa.hpp"

namespace faultline::riscv {

/// Linux RISC-V system call numbers (asm-generic/unistd.h) and the preimage channels.
namespace sys {
inline constexpr std::uint64_t kRead = 63, kWrite = 64, kExit = 93, kExitGroup = 94;
inline constexpr std::uint64_t kClockGettime = 113, kClockGettime64 = 403;
inline constexpr std::uint64_t kBrk = 214, kMunmap = 215, kMmap = 222;
inline constexpr int kHintRead = 3, kHintWrite = 4, kPreimageRead = 5, kPreimageWrite = 6;
inline constexpr std::int64_t kEBADF = 9, kENOMEM = 12, kENODEV = 19, kEINVAL = 22, kENOSYS = 38;
inline constexpr std::uint64_t kMapFixed = 0x10, kMapAnonymous = 0x20;
}  // namespace sys

/// What a context must offer the step. Addresses are already reduced to XLEN bits and
/// [address, address + size) never runs past the top of the address space.
template <class C>
concept StepContext = requires(C& c, const C& cc, std::uint64_t address, unsigned size,
                               std::uint64_t value, int fd, const Hash& key) {
  { c.state } -> std::same_as<State&>;
  /// 16 bits of instruction at an even address.
  { c.fetch16(address) } -> std::same_as<std::uint16_t>;
  /// Little-endian load/store of 1, 2, 4 or 8 bytes at any alignment. A store returns false
  /// if the memory limit refused one of its leaf parts (the parts before it are written).
  { c.load(address, size) } -> std::same_as<std::uint64_t>;
  { c.store(address, size, value) } -> std::same_as<bool>;
  /// Guest output on fd 1 or 2; not part of the state, so it needs no proof.
  c.write_output(fd, address, value);
  /// The preimage for `key`, or nullptr if the oracle lacks it (the step then blocks).
  { c.preimage(key) } -> std::same_as<const ByteView*>;
};

using faultline::StepOutcome;

namespace detail {

// 128-bit products for MULH* on RV64 (a GCC/Clang extension on 64-bit hosts).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

template <unsigned Xlen>
struct Word {
  using U = std::conditional_t<Xlen == 64, std::uint64_t, std::uint32_t>;
  using S = std::make_signed_t<U>;
  using Wide = std::conditional_t<Xlen == 64, UInt128, std::uint64_t>;
  using SignedWide = std::conditional_t<Xlen == 64, Int128, std::int64_t>;
};

constexpr std::uint64_t sext32(std::uint64_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)));
}

template <class S>
constexpr S div_signed(S a, S b) {
  if (b == 0) return -1;
  if (a == std::numeric_limits<S>::min() && b == -1) return a;
  return a / b;
}
template <class S>
constexpr S rem_signed(S a, S b) {
  if (b == 0) return a;
  if (a == std::numeric_limits<S>::min() && b == -1) return 0;
  return a % b;
}
template <class U>
constexpr U div_unsigned(U a, U b) {
  return b == 0 ? ~U{0} : a / b;
}
template <class U>
constexpr U rem_unsigned(U a, U b) {
  return b == 0 ? a : a % b;
}

}  // namespace detail

/// An instruction as fetched and decoded: compressed forms already expanded.
struct Fetched {
  Op op = Op::illegal;
  std::uint8_t length = 0;  ///< 2 or 4; 0 if a 32-bit instruction runs past the address space
  std::uint8_t rd = 0, rs1 = 0, rs2 = 0;
  // Free for a decode cache; the fast run loop keeps its handler number (0: not decoded) and
  // the length of the straight-line run from here (run_loop.hpp).
  std::uint8_t handler = 0;
  std::uint16_t run = 0;
  /// The immediate, decoded by the op's format; for an illegal op, the bits in memory.
  std::int32_t imm = 0;
  std::uint32_t insn = 0;  ///< the 32-bit instruction to execute (0 if reserved)
};
static_assert(sizeof(Fetched) == 16, "decode caches hold a slot per two bytes of code");

/// Fetches and decodes the instruction at `pc` through the context's memory.
template <unsigned Xlen, class Ctx>
Fetched fetch_and_decode(Ctx& ctx, std::uint64_t pc) {
  Fetched f;
  std::uint32_t raw = ctx.fetch16(pc);
  if ((raw & 3) != 3) {
    f.length = 2;
    f.insn = expand_compressed<Xlen>(raw);  // 0 for reserved forms
  } else {
    const std::uint64_t top = Xlen == 32 ? 0xffff'ffffu : ~std::uint64_t{0};
    if (pc > top - 3) return f;  // length 0: runs past the end of the address space
    raw |= static_cast<std::uint32_t>(ctx.fetch16(pc + 2)) << 16;
    f.insn = raw;
    f.length = 4;
  }
  f.op = decode<Xlen>(f.insn);
  // A 32-bit instruction never decodes as a compressed op, but 0 (a reserved form) would.
  if (static_cast<std::size_t>(f.op) >= kFirstCompressed) f.op = Op::illegal;
  f.rd = static_cast<std::uint8_t>(rd(f.insn));
  f.rs1 = static_cast<std::uint8_t>(rs1(f.insn));
  f.rs2 = static_cast<std::uint8_t>(rs2(f.insn));
  f.imm = f.op == Op::illegal ? static_cast<std::int32_t>(raw)
                              : static_cast<std::int32_t>(immediate(op_format(f.op), f.insn));
  return f;
}

/// Forces inlining where the fast path needs it (the semantics into the run loop's handlers,
/// memory access into the semantics) so sizes become constants and state stays in registers.
#define FAULTLINE_INLINE __attribute__((always_inline)) inline

/// Ops that read the step counter (CSR counters, clock_gettime) or are not 32-bit
/// instructions; the fast run loop hands these to step() with the state fully written back.
constexpr bool needs_full_state(Op op) {
  switch (op) {
    case Op::ecall:
    case Op::csrrw:
    case Op::csrrs:
    case Op::csrrc:
    case Op::csrrwi:
    case Op::csrrsi:
    case Op::csrrci:
    case Op::illegal:
      return true;
    default:
      return static_cast<std::size_t>(op) >= kFirstCompressed;
  }
}

/// The semantics of `op` on an RV32 (Xlen 32) or RV64 (Xlen 64) hart at `pc`; next_pc comes
/// in as pc + length, and only control transfers read or write it. Does not count the step:
/// the caller does, for `next` and `stopped`.
template <unsigned Xlen, Op op, StepContext Ctx>
FAULTLINE_INLINE Flow execute(Ctx& ctx, const Fetched& fetched, typename detail::Word<Xlen>::U pc,
                              typename detail::Word<Xlen>::U& next_pc) {
  using U = typename detail::Word<Xlen>::U;
  using S = typename detail::Word<Xlen>::S;
  using Wide = typename detail::Word<Xlen>::Wide;
  using SignedWide = typename detail::Word<Xlen>::SignedWide;
  using detail::sext32;

  State& s = ctx.state;
  const auto reg = [&s](unsigned i) __attribute__((always_inline))->U {
    return static_cast<U>(s.x[i]);
  };
  // x0 is written like any register, then zeroed again: cheaper than a test on every write.
  const auto set = [&s](unsigned i, std::uint64_t value) __attribute__((always_inline)) {
    s.x[i] = static_cast<U>(value);
    s.x[0] = 0;
  };
  const auto fault = [&s](FaultCause cause, std::uint64_t value) __attribute__((always_inline)) {
    s.status = VmStatus::faulted;
    s.fault_cause = cause;
    s.fault_value = value;
    return Flow::stopped;
  };
  // True if [address, address + size) stays inside the XLEN-bit address space.
  const auto fits = [](U address, unsigned size) __attribute__((always_inline)) {
    return static_cast<U>(address + size - 1) >= address;
  };

  // `fetched` may live in a decode cache that a store of this very instruction invalidates
  // (self-modifying code): everything needed from it is copied out here, before any access.
  const std::uint32_t insn = fetched.insn;
  // The bits in memory, for fault values: CSR accesses are 32-bit, illegal ops keep them in imm.
  const std::uint32_t raw = op == Op::illegal ? static_cast<std::uint32_t>(fetched.imm) : insn;
  const unsigned d = fetched.rd;
  const U a = reg(fetched.rs1);
  const U b = reg(fetched.rs2);
  const std::int64_t imm = fetched.imm;
  const auto shamt_mask = Xlen - 1;

  const auto load = [&](U address, unsigned size) __attribute__((always_inline)) {
    return ctx.load(address, size);
  };
  const auto branch = [&](bool taken) __attribute__((always_inline)) {
    if (taken) next_pc = static_cast<U>(pc + imm);
  };
  // The atomic memory operations: aligned, then read-modify-write of 4 or 8 bytes.
  const auto amo = [&](unsigned size, auto operation) __attribute__((always_inline)) {
    const U address = a;
    if (address % size != 0) return fault(FaultCause::misaligned_atomic, address);
    const std::uint64_t old = ctx.load(address, size);
    const std::uint64_t result = size == 4 ? operation(sext32(old), sext32(b)) : operation(old, b);
    if (!ctx.store(address, size, result)) return fault(FaultCause::memory_limit, address);
    set(d, size == 4 ? sext32(old) : old);
    return Flow::next;
  };
  const auto smin = [](std::uint64_t x, std::uint64_t y) {
    return static_cast<std::int64_t>(x) < static_cast<std::int64_t>(y) ? x : y;
  };
  const auto smax = [](std::uint64_t x, std::uint64_t y) {
    return static_cast<std::int64_t>(x) > static_cast<std::int64_t>(y) ? x : y;
  };
  const auto umin32 = [](std::uint64_t x, std::uint64_t y) {
    return static_cast<std::uint32_t>(x) < static_cast<std::uint32_t>(y) ? x : y;
  };
  const auto umax32 = [](std::uint64_t x, std::uint64_t y) {
    return static_cast<std::uint32_t>(x) > static_cast<std::uint32_t>(y) ? x : y;
  };
  const auto umin = [](std::uint64_t x, std::uint64_t y) { return x < y ? x : y; };
  const auto umax = [](std::uint64_t x, std::uint64_t y) { return x > y ? x : y; };

  switch (op) {  // a constant: each instantiation keeps one case
                 // Loads and stores
#define FAULTLINE_LOAD(op_name, size, extend)                                  \
  case Op::op_name: {                                                          \
    const U address = static_cast<U>(a + imm);                                 \
    if (!fits(address, size)) return fault(FaultCause::address_wrap, address); \
    set(d, extend(load(address, size)));                                       \
    break;                                                                     \
  }
#define FAULTLINE_STORE(op_name, size)                                                 \
  case Op::op_name: {                                                                  \
    const U address = static_cast<U>(a + imm);                                         \
    if (!fits(address, size)) return fault(FaultCause::address_wrap, address);         \
    if (!ctx.store(address, size, b)) return fault(FaultCause::memory_limit, address); \
    break;                                                                             \
  }
    FAULTLINE_LOAD(lb, 1, [](std::uint64_t v) {
      return static_cast<std::uint64_t>(static_cast<std::int8_t>(v));
    })
    FAULTLINE_LOAD(lh, 2, [](std::uint64_t v) {
      return static_cast<std::uint64_t>(static_cast<std::int16_t>(v));
    })
    FAULTLINE_LOAD(lw, 4, sext32)
    FAULTLINE_LOAD(ld, 8, [](std::uint64_t v) { return v; })
    FAULTLINE_LOAD(lbu, 1, [](std::uint64_t v) { return v; })
    FAULTLINE_LOAD(lhu, 2, [](std::uint64_t v) { return v; })
    FAULTLINE_LOAD(lwu, 4, [](std::uint64_t v) { return v; })
    FAULTLINE_STORE(sb, 1)
    FAULTLINE_STORE(sh, 2)
    FAULTLINE_STORE(sw, 4)
    FAULTLINE_STORE(sd, 8)
#undef FAULTLINE_LOAD
#undef FAULTLINE_STORE

    // Integer computation
    case Op::addi:
      set(d, a + static_cast<U>(imm));
      break;
    case Op::slti:
      set(d, static_cast<S>(a) < imm);
      break;
    case Op::sltiu:
      set(d, a < static_cast<U>(imm));
      break;
    case Op::xori:
      set(d, a ^ static_cast<U>(imm));
      break;
    case Op::ori:
      set(d, a | static_cast<U>(imm));
      break;
    case Op::andi:
      set(d, a & static_cast<U>(imm));
      break;
    case Op::slli:
    case Op::slli64:
      set(d, a << (imm & shamt_mask));
      break;
    case Op::srli:
    case Op::srli64:
      set(d, a >> (imm & shamt_mask));
      break;
    case Op::srai:
    case Op::srai64:
      set(d, static_cast<U>(static_cast<S>(a) >> (imm & shamt_mask)));
      break;
    case Op::lui:
      set(d, static_cast<U>(imm));
      break;
    case Op::auipc:
      set(d, pc + static_cast<U>(imm));
      break;
    case Op::add:
      set(d, a + b);
      break;
    case Op::sub:
      set(d, a - b);
      break;
    case Op::sll:
      set(d, a << (b & shamt_mask));
      break;
    case Op::slt:
      set(d, static_cast<S>(a) < static_cast<S>(b));
      break;
    case Op::sltu:
      set(d, a < b);
      break;
    case Op::xor_:
      set(d, a ^ b);
      break;
    case Op::srl:
      set(d, a >> (b & shamt_mask));
      break;
    case Op::sra:
      set(d, static_cast<U>(static_cast<S>(a) >> (b & shamt_mask)));
      break;
    case Op::or_:
      set(d, a | b);
      break;
    case Op::and_:
      set(d, a & b);
      break;
    case Op::addiw:
      set(d, sext32(a + static_cast<U>(imm)));
      break;
    case Op::slliw:
      set(d, sext32(static_cast<std::uint32_t>(a) << (imm & 31)));
      break;
    case Op::srliw:
      set(d, sext32(static_cast<std::uint32_t>(a) >> (imm & 31)));
      break;
    case Op::sraiw:
      set(d, sext32(static_cast<std::uint32_t>(static_cast<std::int32_t>(a) >> (imm & 31))));
      break;
    case Op::addw:
      set(d, sext32(a + b));
      break;
    case Op::subw:
      set(d, sext32(a - b));
      break;
    case Op::sllw:
      set(d, sext32(static_cast<std::uint32_t>(a) << (b & 31)));
      break;
    case Op::srlw:
      set(d, sext32(static_cast<std::uint32_t>(a) >> (b & 31)));
      break;
    case Op::sraw:
      set(d, sext32(static_cast<std::uint32_t>(static_cast<std::int32_t>(a) >> (b & 31))));
      break;

    // Multiply and divide (division by zero and overflow as the M chapter's table 7.1 says)
    case Op::mul:
      set(d, a * b);
      break;
    case Op::mulh:
      set(d, static_cast<U>(static_cast<SignedWide>(static_cast<S>(a)) *
                                static_cast<SignedWide>(static_cast<S>(b)) >>
                            Xlen));
      break;
    case Op::mulhsu:
      set(d, static_cast<U>(static_cast<SignedWide>(static_cast<S>(a)) *
                                static_cast<SignedWide>(static_cast<Wide>(b)) >>
                            Xlen));
      break;
    case Op::mulhu:
      set(d, static_cast<U>(static_cast<Wide>(a) * b >> Xlen));
      break;
    case Op::div:
      set(d, static_cast<U>(detail::div_signed<S>(a, b)));
      break;
    case Op::divu:
      set(d, detail::div_unsigned<U>(a, b));
      break;
    case Op::rem:
      set(d, static_cast<U>(detail::rem_signed<S>(a, b)));
      break;
    case Op::remu:
      set(d, detail::rem_unsigned<U>(a, b));
      break;
    case Op::mulw:
      set(d, sext32(static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b)));
      break;
    case Op::divw:
      set(d, sext32(static_cast<std::uint32_t>(detail::div_signed<std::int32_t>(a, b))));
      break;
    case Op::divuw:
      set(d, sext32(detail::div_unsigned<std::uint32_t>(a, b)));
      break;
    case Op::remw:
      set(d, sext32(static_cast<std::uint32_t>(detail::rem_signed<std::int32_t>(a, b))));
      break;
    case Op::remuw:
      set(d, sext32(detail::rem_unsigned<std::uint32_t>(a, b)));
      break;

    // Control transfer
    case Op::jal:
      set(d, next_pc);
      next_pc = static_cast<U>(pc + imm);
      break;
    case Op::jalr: {
      const U target = static_cast<U>((a + imm) & ~U{1});
      set(d, next_pc);
      next_pc = target;
      break;
    }
    case Op::beq:
      branch(a == b);
      break;
    case Op::bne:
      branch(a != b);
      break;
    case Op::blt:
      branch(static_cast<S>(a) < static_cast<S>(b));
      break;
    case Op::bge:
      branch(static_cast<S>(a) >= static_cast<S>(b));
      break;
    case Op::bltu:
      branch(a < b);
      break;
    case Op::bgeu:
      branch(a >= b);
      break;

    // Atomics
    case Op::lr_w:
    case Op::lr_d: {
      const unsigned size = op == Op::lr_w ? 4 : 8;
      if (a % size != 0) return fault(FaultCause::misaligned_atomic, a);
      const std::uint64_t value = ctx.load(a, size);
      set(d, size == 4 ? sext32(value) : value);
      s.reservation = a;
      s.reservation_valid = true;
      break;
    }
    case Op::sc_w:
    case Op::sc_d: {
      const unsigned size = op == Op::sc_w ? 4 : 8;
      if (a % size != 0) return fault(FaultCause::misaligned_atomic, a);
      const bool success = s.reservation_valid && s.reservation == a;
      if (success && !ctx.store(a, size, b)) return fault(FaultCause::memory_limit, a);
      set(d, success ? 0 : 1);
      s.reservation_valid = false;
      s.reservation = 0;
      break;
    }
#define FAULTLINE_AMO(op_name, size, operation)                   \
  case Op::op_name:                                               \
    if (amo(size, operation) != Flow::next) return Flow::stopped; \
    break;
      FAULTLINE_AMO(amoswap_w, 4, [](std::uint64_t, std::uint64_t y) { return y; })
      FAULTLINE_AMO(amoadd_w, 4, [](std::uint64_t x, std::uint64_t y) { return x + y; })
      FAULTLINE_AMO(amoxor_w, 4, [](std::uint64_t x, std::uint64_t y) { return x ^ y; })
      FAULTLINE_AMO(amoand_w, 4, [](std::uint64_t x, std::uint64_t y) { return x & y; })
      FAULTLINE_AMO(amoor_w, 4, [](std::uint64_t x, std::uint64_t y) { return x | y; })
      FAULTLINE_AMO(amomin_w, 4, smin)
      FAULTLINE_AMO(amomax_w, 4, smax)
      FAULTLINE_AMO(amominu_w, 4, umin32)
      FAULTLINE_AMO(amomaxu_w, 4, umax32)
      FAULTLINE_AMO(amoswap_d, 8, [](std::uint64_t, std::uint64_t y) { return y; })
      FAULTLINE_AMO(amoadd_d, 8, [](std::uint64_t x, std::uint64_t y) { return x + y; })
      FAULTLINE_AMO(amoxor_d, 8, [](std::uint64_t x, std::uint64_t y) { return x ^ y; })
      FAULTLINE_AMO(amoand_d, 8, [](std::uint64_t x, std::uint64_t y) { return x & y; })
      FAULTLINE_AMO(amoor_d, 8, [](std::uint64_t x, std::uint64_t y) { return x | y; })
      FAULTLINE_AMO(amomin_d, 8, smin)
      FAULTLINE_AMO(amomax_d, 8, smax)
      FAULTLINE_AMO(amominu_d, 8, umin)
      FAULTLINE_AMO(amomaxu_d, 8, umax)
#undef FAULTLINE_AMO

    // System
    case Op::fence:
    case Op::fence_i:
      break;
    case Op::ebreak:
      return fault(FaultCause::breakpoint, pc);
    case Op::csrrs:
    case Op::csrrc:
    case Op::csrrsi:
    case Op::csrrci: {
      // Only reads (rs1/uimm = 0) of the unprivileged counters; anything else is illegal.
      const unsigned csr = insn >> 20;
      const std::uint64_t counter = s.step;
      std::uint64_t value = 0;
      if (rs1(insn) != 0) return fault(FaultCause::illegal_instruction, raw);
      if (csr >= 0xc00 && csr <= 0xc02) {
        value = counter;
      } else if (Xlen == 32 && csr >= 0xc80 && csr <= 0xc82) {
        value = counter >> 32;
      } else {
        return fault(FaultCause::illegal_instruction, raw);
      }
      set(d, value);
      break;
    }
    case Op::csrrw:
    case Op::csrrwi:
      return fault(FaultCause::illegal_instruction, raw);
    case Op::ecall: {
      const std::uint64_t number = s.x[17];
      const U a0 = reg(10), a1 = reg(11), a2 = reg(12), a3 = reg(13);
      std::int64_t result = 0;
      switch (number) {
        case sys::kExit:
        case sys::kExitGroup:
          s.exit_code = a0 & 0xff;
          s.status = s.exit_code == 0 ? VmStatus::exited_ok : VmStatus::exited_failure;
          return Flow::stopped;
        case sys::kRead:
          if (a0 == sys::kPreimageRead) {
            const ByteView* data = ctx.preimage(s.preimage_key);
            if (data == nullptr) return Flow::blocked;
            // The stream is the 8-byte big-endian length followed by the data. One read
            // returns bytes from one 32-byte part of the stream into one 32-byte memory leaf,
            // so the step needs one oracle part and one memory proof.
            const std::uint64_t total = 8 + data->size();
            const std::uint64_t offset = s.preimage_offset;
            if (offset >= total || a2 == 0) {
              result = 0;
              break;
            }
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
            result = static_cast<std::int64_t>(count);
          } else if (a0 == 0 || a0 == sys::kHintRead) {
            result = 0;  // no stdin: programs read their inputs from the preimage oracle
          } else {
            result = -sys::kEBADF;
          }
          break;
        case sys::kWrite:
          if (a0 == 1 || a0 == 2) {
            ctx.write_output(static_cast<int>(a0), a1, a2);
            result = static_cast<std::int64_t>(a2);
          } else if (a0 == sys::kHintWrite) {
            result = static_cast<std::int64_t>(a2);  // hints are advice to the host; ignored
          } else if (a0 == sys::kPreimageWrite) {
            // Key bytes shift in from the right; at most one memory leaf per step.
            const std::uint64_t count = std::min<std::uint64_t>(a2, 32 - a1 % 32);
            for (std::uint64_t i = 0; i < count; ++i) {
              for (std::size_t k = 0; k < 31; ++k)
                s.preimage_key[k] = s.preimage_key[k + 1];
              s.preimage_key[31] = static_cast<std::uint8_t>(ctx.load(static_cast<U>(a1 + i), 1));
            }
            s.preimage_offset = 0;
            result = static_cast<std::int64_t>(count);
          } else {
            result = -sys::kEBADF;
          }
          break;
        case sys::kBrk: {
          const AddressMap& map = Xlen == 32 ? kAddressMap32 : kAddressMap64;
          if (a0 != 0 && a0 < map.mmap_base) s.heap = a0;
          result = static_cast<std::int64_t>(s.heap);
          break;
        }
        case sys::kMmap: {
          const AddressMap& map = Xlen == 32 ? kAddressMap32 : kAddressMap64;
          const std::uint64_t size = (static_cast<std::uint64_t>(a1) + 4095) & ~std::uint64_t{4095};
          if ((a3 & sys::kMapAnonymous) == 0) {
            result = -sys::kENODEV;
          } else if (a1 == 0 || (a3 & sys::kMapFixed) != 0 || size < a1) {
            result = -sys::kEINVAL;
          } else if (size > map.mmap_end - s.mmap_next) {
            result = -sys::kENOMEM;
          } else {
            result = static_cast<std::int64_t>(s.mmap_next);  // fresh memory is all zero
            s.mmap_next += size;
          }
          break;
        }
        case sys::kMunmap:
          result = 0;
          break;  // addresses are never reused, so nothing to do
        case sys::kClockGettime:
        case sys::kClockGettime64: {
          if (!fits(a1, 16)) return fault(FaultCause::address_wrap, a1);
          if (!ctx.store(a1, 8, s.step / 1'000'000'000)) {
            return fault(FaultCause::memory_limit, a1);
          }
          if (!ctx.store(static_cast<U>(a1 + 8), 8, s.step % 1'000'000'000)) {
            return fault(FaultCause::memory_limit, static_cast<U>(a1 + 8));
          }
          result = 0;
          break;
        }
        default:
          result = -sys::kENOSYS;
      }
      set(10, static_cast<std::uint64_t>(result));
      break;
    }

    // Op::illegal, and compressed ops, which never get here (fetching expanded them).
    default:
      return fault(FaultCause::illegal_instruction, raw);
  }
  return Flow::next;
}

/// Executes one instruction of an RV32 (Xlen 32) or RV64 (Xlen 64) hart.
template <unsigned Xlen, StepContext Ctx>
FAULTLINE_INLINE StepOutcome step(Ctx& ctx) {
  using U = typename detail::Word<Xlen>::U;
  State& s = ctx.state;
  if (s.status != VmStatus::running) return StepOutcome::halted;

  const U pc = static_cast<U>(s.pc);
  const Fetched fetched = fetch_and_decode<Xlen>(ctx, pc);
  U next_pc = static_cast<U>(pc + fetched.length);
  Flow flow = Flow::stopped;
  if (fetched.length == 0) {
    s.status = VmStatus::faulted;
    s.fault_cause = FaultCause::address_wrap;
    s.fault_value = pc;
  } else {
    switch (fetched.op) {
#define RV_INSN(name, mask, match, xlen, format)               \
  case Op::name:                                               \
    flow = execute<Xlen, Op::name>(ctx, fetched, pc, next_pc); \
    break;
#define RV_CINSN(name, mask, match, xlen)
#include "isa.def"
#undef RV_INSN
#undef RV_CINSN
      default:  // illegal (compressed ops were expanded)
        flow = execute<Xlen, Op::illegal>(ctx, fetched, pc, next_pc);
    }
  }
  if (flow == Flow::blocked) return StepOutcome::blocked;
  if (flow == Flow::next) s.pc = next_pc;
  s.step += 1;
  return StepOutcome::executed;
}

}  // namespace faultline::riscv
