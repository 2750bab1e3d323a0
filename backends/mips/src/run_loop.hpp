// The fast run loop: run() without hashing, at interpreter speed. The design is the RISC-V
// backend's (backends/riscv/src/run_loop.hpp explains dispatch, runs and the budget); what
// MIPS adds is the delay slot:
// - a straight run ends with a branch or jump and its delay slot, so both are charged at once;
// - the branch's handler dispatches to the delay slot's op through a second handler table
//   (the same semantics, then on to the branch's target rather than the next slot);
// - the loop runs only in the state "not in a delay slot" (next_pc = pc + 4); whenever the
//   state is otherwise (a branch in a page's last word, a budget that ends between a branch and
//   its delay slot, a branch or syscall in a delay slot) step() runs out of line until it is
//   again.
#pragma once

#include <algorithm>
#include <cstdint>

#include "contexts.hpp"
#include "step.hpp"

namespace faultline::mips {

namespace detail {

template <unsigned Bits>
using Word = std::conditional_t<Bits == 64, std::uint64_t, std::uint32_t>;

/// Handler numbers: 0 undecoded, 1 page end, 2 stop, 3 full state (step() out of line), then
/// one per op.
inline constexpr std::uint8_t kStop = 2;
inline constexpr std::uint8_t kFullState = 3;
inline constexpr std::uint8_t kFirstOpHandler = 4;
constexpr std::uint8_t handler_of(Op op) {
  if (needs_full_state(op)) return kFullState;
  return static_cast<std::uint8_t>(kFirstOpHandler + static_cast<unsigned>(op));
}
static_assert(kFirstOpHandler + static_cast<std::size_t>(Op::illegal) <= 256,
              "handler numbers fit Fetched::handler");

/// Ops whose store may reset decodings the loop is walking.
constexpr bool writes_memory(Op op) {
  switch (op) {
    case Op::sb:
    case Op::sh:
    case Op::sw:
    case Op::sd:
    case Op::swl:
    case Op::swr:
    case Op::sdl:
    case Op::sdr:
    case Op::sc:
    case Op::scd:
      return true;
    default:
      return false;
  }
}

template <unsigned Bits>
__attribute__((noinline)) StepOutcome step_out_of_line(RunContext& ctx) {
  return step<Bits>(ctx);
}

/// Decodes the run that starts at `first` (the slot of `pc`) up to its end or to a slot
/// decoded before, and sets each new slot's run length. False if pc is outside the code.
template <unsigned Bits>
__attribute__((noinline)) bool decode_run(RunContext& ctx, Fetched* first, std::uint64_t pc) {
  const State& s = ctx.state;
  const std::uint64_t page = pc >> MerkleMemory::kPageBits;
  const Fetched* const page_end = first + (DecodeCache::kSlots - pc % MerkleMemory::kPageBytes / 4);
  Fetched* slot = first;
  std::uint16_t after = 0;  // length of the run the new slots continue into
  for (; slot != page_end; ++slot, pc += 4) {
    if (slot->handler != DecodeCache::kUndecoded) {
      after = slot->run;
      break;
    }
    if (pc < s.code_start || pc >= s.code_end) break;  // fetching there faults: step() does it
    *slot = decode_fetched<Bits>(ctx.fetch32(pc));
    slot->handler = handler_of(slot->op);
    if (transfers_control(slot->op)) {
      // The run ends with the delay slot, which must be in this page to be run from here.
      const bool delay_in_page = slot + 1 != page_end;
      slot->handler = delay_in_page ? slot->handler : kFullState;
      slot->run = delay_in_page ? 2 : 1;
      ++slot;
      break;
    }
    if (slot->handler == kFullState) {
      slot->run = 1;
      ++slot;
      break;
    }
  }
  if (slot == first) return false;
  ctx.pages.note_decoded(page);
  // Run lengths, from the last new slot back to the first; a control transfer or a full-state
  // op at the end has its own already.
  Fetched* at = slot - 1;
  if (!transfers_control(at->op) && at->handler != kFullState) {
    at->run = static_cast<std::uint16_t>(after + 1);
  }
  for (std::uint16_t run = at->run; at != first;) {
    --at;
    at->run = ++run;
  }
  return true;
}

/// Copies the first `steps` instructions of the run at `from` (which has more) to the
/// scratch slots, followed by a stop slot; returns where the copy starts.
inline Fetched* partial_run(DecodeCache& cache, const Fetched* from, std::uint64_t steps) {
  DecodeCache::Slots& scratch = cache.scratch();
  std::copy_n(from, steps, scratch.begin());
  for (std::uint64_t i = 0; i < steps; ++i)
    scratch[i].run = static_cast<std::uint16_t>(steps - i);
  // A run's delay slot is its last instruction, so a prefix can end with a branch but never
  // hold its delay slot: step() runs such a branch and leaves the state in the delay slot.
  if (transfers_control(scratch[steps - 1].op)) scratch[steps - 1].handler = kFullState;
  scratch[steps].handler = kStop;
  return scratch.data();
}

}  // namespace detail

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"  // labels as values

/// The loop of run_fast, on the context's copy of the state.
template <unsigned Bits>
RunOutcome run_loop(RunContext& ctx, std::uint64_t max_steps) {
  using U = detail::Word<Bits>;
  using S = std::make_signed_t<U>;
  constexpr unsigned kPageBits = MerkleMemory::kPageBits;

  State& s = ctx.state;
  if (s.status != VmStatus::running || max_steps == 0) return {};

  static const void* const kHandlers[] = {
      &&undecoded,
      &&page_end,
      &&stop,
      &&full_state,
#define MIPS_INSN(name, mask, match, bits, immediate, op_class) &&name##_op,
#include "isa.def"
#undef MIPS_INSN
  };
  static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) ==
                detail::kFirstOpHandler + static_cast<std::size_t>(Op::illegal));
  // The same ops run as a delay slot: then on to the branch's target. Slots the loop does not
  // run as a delay slot (outside the code, a control transfer, a full-state op) go to step().
  static const void* const kDelayHandlers[] = {
      &&delay_undecoded,
      &&delay_out_of_line,  // page end: not reached, the delay slot is in its branch's page
      &&delay_out_of_line,  // stop: not reached, a partial run never holds a delay slot
      &&delay_out_of_line,
#define MIPS_INSN(name, mask, match, bits, immediate, op_class) &&name##_delay,
#include "isa.def"
#undef MIPS_INSN
  };

  // Invariant: s.step = run_end - left - (instructions charged but not executed yet).
  ctx.run_end = s.step + max_steps;
  (void)ctx.decoded.take_reset();
  std::uint64_t left = max_steps;
  U pc = static_cast<U>(s.pc);
  Fetched* slot = nullptr;
  U delay_pc = 0;  // between a branch and the end of its delay slot: the delay slot's pc
  U target = 0;    // and the branch's target
  // Inside a run, the pc of a slot follows from the run's first slot and pc.
  const auto pc_of = [&ctx](const Fetched* at) __attribute__((always_inline)) {
    return static_cast<U>(ctx.run_pc + 4 * static_cast<U>(at - ctx.run_slot));
  };
  if (s.next_pc != static_cast<U>(pc + 4) || pc % 4 != 0) goto out_of_line;
  slot = ctx.decoded.slot(pc);

enter:  // the start of a run at pc (not in a delay slot) and slot: charge it
  if (left == 0) goto done;
  if (slot->handler == DecodeCache::kUndecoded) {
    if (!detail::decode_run<Bits>(ctx, slot, pc)) goto single_step;
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
undecoded:  // a run starts at an undecoded slot: `enter` decodes it (or finds it outside the code)
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
single_step:  // pc is an uncharged instruction, not in a delay slot
  s.pc = pc;
  s.next_pc = static_cast<U>(pc + 4);
out_of_line:  // the state's pc and next_pc are current
  s.step = ctx.run_end - left;
  do {
    if (left == 0) goto done_written;
    if (detail::step_out_of_line<Bits>(ctx) == StepOutcome::blocked) {
      return {s.step - (ctx.run_end - max_steps), true};
    }
    --left;
  } while (s.status == VmStatus::running &&
           (s.next_pc != static_cast<U>(s.pc + 4) || s.pc % 4 != 0));
  if (s.status != VmStatus::running) goto done_written;
  pc = static_cast<U>(s.pc);
  slot = ctx.decoded.slot(pc);
  goto enter;

  // One handler per op. A plain op's pc is read (from the run's start) only where it is
  // needed, after the op: loads and stores are not delayed for it.
#define MIPS_INSN(name, mask, match, bits, immediate, op_class)                            \
  name##_op : {                                                                            \
    constexpr Op op = Op::name;                                                            \
    if constexpr (needs_full_state(op)) {                                                  \
      goto full_state;                                                                     \
    } else if constexpr (transfers_control(op)) {                                          \
      const U here = pc_of(slot);                                                          \
      U new_pc = static_cast<U>(here + 4);                                                 \
      U new_next = static_cast<U>(here + 8);                                               \
      /* Not in a delay slot, so control transfers cannot fault. */                        \
      (void)execute<Bits, op>(ctx, *slot, here, new_pc, new_pc, new_next);                 \
      if (new_pc != static_cast<U>(here + 4)) {                                            \
        left += 1; /* a branch-likely not taken skips its delay slot */                    \
        pc = new_pc;                                                                       \
        slot = ctx.decoded.slot(pc);                                                       \
        goto enter;                                                                        \
      }                                                                                    \
      delay_pc = new_pc;                                                                   \
      target = new_next;                                                                   \
      if constexpr (op == Op::jr || op == Op::jalr) {                                      \
        /* Fetching at a misaligned target faults, after the delay slot: step() does it */ \
        if (target % 4 != 0) [[unlikely]]                                                  \
          goto delay_out_of_line;                                                          \
      }                                                                                    \
      ++slot; /* the delay slot: in this page and charged with the branch (decode_run) */  \
      goto* kDelayHandlers[slot->handler];                                                 \
    } else {                                                                               \
      /* Instructions charged after this one; a store may reset the slot, so read now. */  \
      const std::uint16_t rest = detail::writes_memory(op) ? slot->run - 1 : 0;            \
      U unused_pc = 0; /* plain ops leave pc and next_pc to the loop */                    \
      U unused_next = 0;                                                                   \
      if (execute<Bits, op>(ctx, *slot, 0, 4, unused_pc, unused_next) != Flow::next)       \
          [[unlikely]] {                                                                   \
        left += detail::writes_memory(op) ? rest : slot->run - 1;                          \
        pc = pc_of(slot); /* faulted: pc stays at the instruction */                       \
        goto done;                                                                         \
      }                                                                                    \
      if constexpr (detail::writes_memory(op)) {                                           \
        if (ctx.decoded.take_reset()) [[unlikely]] {                                       \
          left += rest; /* the run's slots may be gone */                                  \
          pc = static_cast<U>(pc_of(slot) + 4);                                            \
          slot = ctx.decoded.slot(pc);                                                     \
          goto enter;                                                                      \
        }                                                                                  \
      }                                                                                    \
      ++slot;                                                                              \
      goto* kHandlers[slot->handler];                                                      \
    }                                                                                      \
  }
#include "isa.def"
#undef MIPS_INSN

  // One handler per op in a delay slot.
#define MIPS_INSN(name, mask, match, bits, immediate, op_class)                                  \
  name##_delay : {                                                                               \
    constexpr Op op = Op::name;                                                                  \
    if constexpr (needs_full_state(op) || transfers_control(op)) {                               \
      goto delay_out_of_line;                                                                    \
    } else {                                                                                     \
      U unused_pc = target;                                                                      \
      U unused_next = static_cast<U>(target + 4);                                                \
      if (execute<Bits, op>(ctx, *slot, delay_pc, target, unused_pc, unused_next) != Flow::next) \
          [[unlikely]] {                                                                         \
        s.pc = delay_pc; /* faulted in the delay slot */                                         \
        s.next_pc = target;                                                                      \
        goto done_written;                                                                       \
      }                                                                                          \
      /* A store that reset decodings needs nothing more: the target is looked up afresh. */     \
      if constexpr (detail::writes_memory(op)) (void)ctx.decoded.take_reset();                   \
      goto after_delay;                                                                          \
    }                                                                                            \
  }
#include "isa.def"
#undef MIPS_INSN

delay_undecoded:
  if (!detail::decode_run<Bits>(ctx, slot, delay_pc)) goto delay_out_of_line;
  goto* kDelayHandlers[slot->handler];

delay_out_of_line:  // the delay slot is left to step(), which runs and counts it
  s.pc = delay_pc;
  s.next_pc = target;
  left += 1;
  goto out_of_line;

after_delay:  // the delay slot at `slot` ran: on to the target (aligned: see jr and jalr)
  if (((target ^ delay_pc) >> kPageBits) == 0) {
    slot += static_cast<S>(target - delay_pc) >> 2;
  } else {
    slot = ctx.decoded.slot(target);
  }
  pc = target;
  if (slot->run > left) [[unlikely]]  // an undecoded slot has run 0 and goes to `undecoded`
    goto enter;
  left -= slot->run;
  ctx.run_pc = pc;
  ctx.run_slot = slot;
  goto* kHandlers[slot->handler];

done:
  s.pc = pc;
  s.next_pc = static_cast<U>(pc + 4);
done_written:
  s.step = ctx.run_end - left;
  return {max_steps - left, false};
}

#pragma GCC diagnostic pop

/// Runs at most `max_steps` steps of a running MIPS32 (Bits 32) or MIPS64 (Bits 64) CPU.
template <unsigned Bits>
RunOutcome run_fast(RunContext& ctx, std::uint64_t max_steps) {
  const RunOutcome outcome = run_loop<Bits>(ctx, max_steps);
  ctx.write_back();
  return outcome;
}

// Instantiated once, in backend.cpp.
extern template RunOutcome run_fast<32>(RunContext&, std::uint64_t);
extern template RunOutcome run_fast<64>(RunContext&, std::uint64_t);

}  // namespace faultline::mips
