// The fast run loop: run() without hashing, at interpreter speed.
//
// How dispatch works, and why:
// - Each instruction is decoded once into a slot of its page's DecodeCache (contexts.hpp). The
//   slot keeps a handler number, chosen from the op and the instruction's length, and `run`:
//   how many instructions there are from it to the end of its straight-line run. A run ends
//   at a jump or branch, at an op that needs the full state, or at the page's end.
// - Handlers are labels of one function (direct threading with GCC's labels-as-values): each
//   ends with its own indirect jump to the next slot's handler, so the branch predictor learns
//   op-to-op patterns per handler instead of funnelling every op through one switch jump.
// - Every handler is `execute<Xlen, op>` of step.hpp, the same semantics the witness recorder
//   and the step verifier run, instantiated with the op and length as constants: operands come
//   from the slot, pc advances by a constant, and the next slot is the neighbouring one.
//   A sentinel slot past each page's end sends the loop to look up the next page.
// - The step budget is charged once per run, when the loop enters it, not per instruction
//   (a per-instruction counter ends up in memory and adds a store-to-load latency to every
//   step). Leaving a run early (a fault, or a store that reset the decodings) refunds what
//   it did not execute. If the budget ends inside a run, the loop runs a copy of that run's
//   first instructions followed by a stop slot, so run(n) stops after exactly n steps.
// - Loads and stores go through RunContext's page-pointer caches: one compare each on a hit.
//   Pages written during the run are marked dirty once, when they enter the write cache.
// - pc, the slot and the budget live in locals; the state's pc and step counter are written
//   back when the loop leaves, and before the few ops that read them (CSR counters, system
//   calls), which run through step() out of line.
#pragma once

#include <algorithm>
#include <cstdint>

#include "contexts.hpp"
#include "step.hpp"

namespace faultline::riscv {

namespace detail {

/// Handler numbers: 0 undecoded, 1 page end, 2 stop, 3 full state (step() out of line), then
/// two per 32-bit op (for a 2- and a 4-byte instruction).
inline constexpr std::uint8_t kStop = 2;
inline constexpr std::uint8_t kFullState = 3;
constexpr std::uint8_t handler_of(Op op, unsigned length) {
  if (needs_full_state(op)) return kFullState;
  return static_cast<std::uint8_t>(4 + 2 * static_cast<unsigned>(op) + (length == 4 ? 1 : 0));
}
static_assert(4 + 2 * kFirstCompressed <= 256, "handler numbers fit Fetched::handler");

constexpr bool transfers_control(Op op) {
  switch (op) {
    case Op::jal:
    case Op::jalr:
    case Op::beq:
    case Op::bne:
    case Op::blt:
    case Op::bge:
    case Op::bltu:
    case Op::bgeu:
      return true;
    default:
      return false;
  }
}

constexpr bool ends_run(Op op) {
  return transfers_control(op) || needs_full_state(op);
}

/// Ops whose store may reset decodings the loop is walking.
constexpr bool writes_memory(Op op) {
  switch (op) {
    case Op::sb:
    case Op::sh:
    case Op::sw:
    case Op::sd:
    case Op::sc_w:
    case Op::sc_d:
      return true;
    default:
      return op >= Op::amoswap_w && op <= Op::amomaxu_d;
  }
}

template <unsigned Xlen>
__attribute__((noinline)) StepOutcome step_out_of_line(RunContext& ctx) {
  return step<Xlen>(ctx);
}

/// Decodes the run that starts at `first` (the slot of `pc`) up to its end or to a slot
/// decoded before, and sets each new slot's run length. False if the instruction at pc cannot
/// be cached (it crosses a page boundary or the end of the address space).
template <unsigned Xlen>
__attribute__((noinline)) bool decode_run(RunContext& ctx, Fetched* first, std::uint64_t pc) {
  const std::uint64_t page = pc >> MerkleMemory::kPageBits;
  const Fetched* const page_end = first + (DecodeCache::kSlots - pc % MerkleMemory::kPageBytes / 2);
  std::uint16_t count = 0;  // instructions decoded
  std::uint16_t after = 0;  // length of the run they continue into
  for (Fetched* slot = first; slot != page_end;) {
    if (slot->handler != DecodeCache::kUndecoded) {
      after = slot->run;
      break;
    }
    const Fetched fetched = fetch_and_decode<Xlen>(ctx, pc);
    if (fetched.length == 0 || slot + fetched.length / 2 > page_end) break;
    *slot = fetched;
    slot->handler = handler_of(fetched.op, fetched.length);
    ++count;
    if (ends_run(fetched.op)) break;
    pc += fetched.length;
    slot += fetched.length / 2;
  }
  if (count == 0) return false;
  ctx.pages.note_decoded(page);
  Fetched* slot = first;
  for (std::uint16_t i = 0; i < count; ++i) {
    slot->run = static_cast<std::uint16_t>(count - i + after);
    slot += slot->length / 2;
  }
  return true;
}

/// Copies the first `steps` instructions of the run at `from` (which has more) to the
/// scratch slots, followed by a stop slot; returns where the copy starts.
inline Fetched* partial_run(DecodeCache& cache, const Fetched* from, std::uint64_t steps) {
  DecodeCache::Slots& scratch = cache.scratch();
  std::size_t span = 0;
  for (std::uint64_t i = 0; i < steps; ++i)
    span += from[span].length / 2;
  std::copy_n(from, span, scratch.begin());
  std::uint16_t left = static_cast<std::uint16_t>(steps);
  for (std::size_t at = 0; at < span; at += scratch[at].length / 2)
    scratch[at].run = left--;
  scratch[span].handler = kStop;
  return scratch.data();
}

}  // namespace detail

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"  // labels as values

/// The loop of run_fast, on the context's copy of the state.
template <unsigned Xlen>
RunOutcome run_loop(RunContext& ctx, std::uint64_t max_steps) {
  using U = typename detail::Word<Xlen>::U;
  using S = typename detail::Word<Xlen>::S;
  constexpr unsigned kPageBits = MerkleMemory::kPageBits;

  State& s = ctx.state;
  if (s.status != VmStatus::running || max_steps == 0) return {};

  static const void* const kHandlers[] = {
      &&undecoded,
      &&page_end,
      &&stop,
      &&full_state,
#define RV_INSN(name, mask, match, xlen, format) &&name##_2, &&name##_4,
#define RV_CINSN(name, mask, match, xlen)
#include "isa.def"
#undef RV_INSN
#undef RV_CINSN
  };
  static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == 4 + 2 * kFirstCompressed);

  // Invariant: s.step = run_end - left - (instructions charged but not executed yet).
  ctx.run_end = s.step + max_steps;
  (void)ctx.decoded.take_reset();
  std::uint64_t left = max_steps;
  U pc = static_cast<U>(s.pc);  // kept up to date at the start of runs and on the way out
  Fetched* slot = ctx.decoded.slot(pc);
  // Inside a run, the pc of a slot follows from the run's first slot and pc.
  const auto pc_of = [&ctx](const Fetched* at) __attribute__((always_inline)) {
    return static_cast<U>(ctx.run_pc + 2 * static_cast<U>(at - ctx.run_slot));
  };

enter:  // the start of a run at pc and slot: charge it
  if (left == 0) goto done;
  if (slot->handler == DecodeCache::kUndecoded) {
    if (!detail::decode_run<Xlen>(ctx, slot, pc)) goto single_step;
  } else if (slot->handler == DecodeCache::kPageEnd) {
    slot = ctx.decoded.slot(pc);
    goto enter;
  }
  if (slot->run <= left) [[likely]] {
    left -= slot->run;
  } else {
    slot = detail::partial_run(ctx.decoded, slot, left);
    left = 0;
  }
  ctx.run_pc = pc;
  ctx.run_slot = slot;
  goto* kHandlers[slot->handler];

  // Reached from the last instruction of a run, by dispatch.
undecoded:  // a run starts at an undecoded slot: `enter` decodes it (or finds it uncacheable)
  pc = pc_of(slot);
  goto enter;
page_end:
  pc = pc_of(slot);
  slot = ctx.decoded.slot(pc);
  goto enter;
stop:
  pc = pc_of(slot);
  goto done;
full_state:
  pc = pc_of(slot);
  left += 1;  // step() counts it
single_step:  // an uncharged instruction
  s.pc = pc;
  s.step = ctx.run_end - left;
  if (detail::step_out_of_line<Xlen>(ctx) == StepOutcome::blocked) {
    return {s.step - (ctx.run_end - max_steps), true};
  }
  --left;
  pc = static_cast<U>(s.pc);
  if (s.status != VmStatus::running) goto done;
  slot = ctx.decoded.slot(pc);
  goto enter;

  // One handler per op and length. A plain op reads its pc (from the run's start) only
  // where it needs it: auipc in the op, the others on a fault, after the op.
#define FAULTLINE_HANDLER(name, length)                                                         \
  name##_##length : {                                                                           \
    constexpr Op op = Op::name;                                                                 \
    if constexpr (needs_full_state(op)) {                                                       \
      goto full_state;                                                                          \
    } else if constexpr (detail::transfers_control(op)) {                                       \
      const U here = pc_of(slot);                                                               \
      U next_pc = static_cast<U>(here + (length));                                              \
      if (execute<Xlen, op>(ctx, *slot, here, next_pc) != Flow::next) [[unlikely]] {            \
        left += slot->run - 1;                                                                  \
        pc = here; /* faulted: pc stays at the instruction */                                   \
        goto done;                                                                              \
      }                                                                                         \
      if (((next_pc ^ here) >> kPageBits) == 0) {                                               \
        slot += static_cast<S>(next_pc - here) >> 1;                                            \
      } else {                                                                                  \
        slot = ctx.decoded.slot(next_pc);                                                       \
      }                                                                                         \
      pc = next_pc;                                                                             \
      /* Enter the next run here when it is affordable (an undecoded slot has run 0 and goes */ \
      /* to `undecoded`): a jump of its own predicts better than the one in `enter`. */         \
      if (slot->run > left) [[unlikely]]                                                        \
        goto enter;                                                                             \
      left -= slot->run;                                                                        \
      ctx.run_pc = pc;                                                                          \
      ctx.run_slot = slot;                                                                      \
      goto* kHandlers[slot->handler];                                                           \
    } else {                                                                                    \
      /* Instructions charged after this one; a store may reset the slot, so read now. */       \
      const std::uint16_t rest = detail::writes_memory(op) ? slot->run - 1 : 0;                 \
      U unused_next = 0;                                                                        \
      if (execute<Xlen, op>(ctx, *slot, pc_of(slot), unused_next) != Flow::next) [[unlikely]] { \
        left += detail::writes_memory(op) ? rest : slot->run - 1;                               \
        pc = pc_of(slot); /* faulted: pc stays at the instruction */                            \
        goto done;                                                                              \
      }                                                                                         \
      if constexpr (detail::writes_memory(op)) {                                                \
        if (ctx.decoded.take_reset()) [[unlikely]] {                                            \
          left += rest; /* the run's slots may be gone */                                       \
          pc = static_cast<U>(pc_of(slot) + (length));                                          \
          slot = ctx.decoded.slot(pc);                                                          \
          goto enter;                                                                           \
        }                                                                                       \
      }                                                                                         \
      slot += (length) / 2;                                                                     \
      goto* kHandlers[slot->handler];                                                           \
    }                                                                                           \
  }
#define RV_INSN(name, mask, match, xlen, format) \
  FAULTLINE_HANDLER(name, 2)                     \
  FAULTLINE_HANDLER(name, 4)
#define RV_CINSN(name, mask, match, xlen)
#include "isa.def"
#undef RV_INSN
#undef RV_CINSN
#undef FAULTLINE_HANDLER

done:
  s.pc = pc;
  s.step = ctx.run_end - left;
  return {max_steps - left, false};
}

#pragma GCC diagnostic pop

/// Runs at most `max_steps` steps of a running RV32 (Xlen 32) or RV64 (Xlen 64) hart.
template <unsigned Xlen>
RunOutcome run_fast(RunContext& ctx, std::uint64_t max_steps) {
  const RunOutcome outcome = run_loop<Xlen>(ctx, max_steps);
  ctx.write_back();
  return outcome;
}

// Instantiated once, in backend.cpp.
extern template RunOutcome run_fast<32>(RunContext&, std::uint64_t);
extern template RunOutcome run_fast<64>(RunContext&, std::uint64_t);

}  // namespace faultline::riscv
