// A RISC-V hart for unit tests that runs every step through every path at once (the fast run
// loop, step() on direct memory, recording, replay from the witness) and requires them to agree.
#pragma once

#include <catch2/catch.hpp>
#include <functional>

#include "faultline/riscv/state.hpp"
#include "riscv/src/contexts.hpp"
#include "riscv/src/run_loop.hpp"
#include "riscv/src/step.hpp"

namespace faultline::test {

/// One step as a verifier sees it: the encoded pre-state, the proofs, the preimage part it
/// reads, and what the C++ step made of it (no post-state if the step blocked on a preimage).
struct WitnessedStep {
  unsigned xlen;
  ByteView pre;
  ByteView proofs;
  const std::vector<PreimageRead>& preimages;
  const InMemoryPreimageOracle& oracle;
  std::optional<Hash> post;
};

/// If set, sees every step a Hart takes (the EVM tests hand each one to the Solidity verifier).
inline std::function<void(const WitnessedStep&)>& hart_step_observer() {
  static std::function<void(const WitnessedStep&)> observer;
  return observer;
}

class Hart {
 public:
  static constexpr std::uint64_t kCodeAddress = 0x1000;

  Hart(unsigned xlen, ByteView code) : memory_(xlen) {
    state.xlen = static_cast<std::uint8_t>(xlen);
    state.pc = kCodeAddress;
    state.heap = 0x10'0000;
    state.mmap_next = xlen == 32 ? riscv::kAddressMap32.mmap_base : riscv::kAddressMap64.mmap_base;
    REQUIRE(memory_.write(kCodeAddress, code));
  }

  std::uint64_t& x(unsigned i) { return state.x[i]; }
  riscv::State state;
  InMemoryPreimageOracle oracle;
  Outputs outputs;

  void poke(std::uint64_t address, ByteView bytes) { REQUIRE(memory_.write(address, bytes)); }
  std::uint64_t peek(std::uint64_t address, unsigned size) {
    std::uint8_t bytes[8] = {};
    REQUIRE(memory_.read(address, std::span(bytes, size)));
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i)
      value |= std::uint64_t{bytes[i]} << (8 * i);
    return value;
  }

  /// One step on every path; returns the outcome after checking that all paths agree.
  riscv::StepOutcome step() {
    // The fast run loop, one step, on a copy.
    riscv::State fast_state = state;
    MerkleMemory fast_memory = memory_.snapshot();
    Outputs fast_outputs = outputs;
    riscv::DecodeCache fast_decoded;
    riscv::RunContext fast(fast_state, fast_memory, oracle, fast_outputs, fast_decoded);
    const RunOutcome fast_run =
        state.xlen == 32 ? riscv::run_fast<32>(fast, 1) : riscv::run_fast<64>(fast, 1);
    const auto fast_outcome = fast_run.blocked      ? riscv::StepOutcome::blocked
                              : fast_run.steps == 1 ? riscv::StepOutcome::executed
                                                    : riscv::StepOutcome::halted;

    // step() on direct memory, on another copy.
    riscv::State direct_state = state;
    MerkleMemory direct_memory = memory_.snapshot();
    Outputs direct_outputs = outputs;
    riscv::DecodeCache direct_decoded;
    riscv::MemoryContext direct(direct_state, direct_memory, oracle, direct_outputs,
                                direct_decoded);
    const auto direct_outcome = run(direct);

    // Recording path on the real state.
    state.pages_in_use = memory_.nonzero_pages();
    state.memory_root = memory_.root();
    const Bytes pre = riscv::encode(state);
    Bytes proofs;
    std::vector<PreimageRead> preimage;
    riscv::DecodeCache decoded;
    riscv::RecordingContext recording(state, memory_, oracle, outputs, decoded, proofs, preimage);
    const auto outcome = run(recording);
    state.pages_in_use = memory_.nonzero_pages();
    state.memory_root = memory_.root();

    // Replay from the witness alone.
    auto replayed = riscv::decode(pre);
    REQUIRE(replayed.ok());
    riscv::ReplayContext replay(*replayed, proofs, oracle);
    const auto replay_outcome = run(replay);
    REQUIRE(fast_outcome == outcome);
    REQUIRE(direct_outcome == outcome);
    REQUIRE(replay_outcome == outcome);
    if (hart_step_observer()) {
      std::optional<Hash> post;
      if (outcome != riscv::StepOutcome::blocked)
        post = state_commitment(riscv::encode(state), state.status);
      hart_step_observer()({state.xlen, pre, proofs, preimage, oracle, post});
    }
    if (outcome == riscv::StepOutcome::blocked) return outcome;  // the replay reports why
    INFO("replay error: " << (replay.error() ? replay.error()->message : "none"));
    REQUIRE_FALSE(replay.error().has_value());
    REQUIRE(replay.memory.unused_bytes() == 0);
    REQUIRE(replay_outcome == outcome);
    REQUIRE(riscv::encode(*replayed) == riscv::encode(state));

    fast_state.pages_in_use = fast_memory.nonzero_pages();

    fast_state.memory_root = fast_memory.root();
    REQUIRE(fast_state == state);
    REQUIRE(fast_outputs.by_fd == outputs.by_fd);
    direct_state.pages_in_use = direct_memory.nonzero_pages();
    direct_state.memory_root = direct_memory.root();
    REQUIRE(direct_state == state);
    proof_bytes = proofs.size();
    return outcome;
  }

  /// Runs `instructions` steps, each of which must execute.
  void run_code(std::size_t instructions) {
    for (std::size_t i = 0; i < instructions; ++i)
      REQUIRE(step() == riscv::StepOutcome::executed);
  }

  std::size_t proof_bytes = 0;

 private:
  template <class Context>
  riscv::StepOutcome run(Context& context) {
    return state.xlen == 32 ? riscv::step<32>(context) : riscv::step<64>(context);
  }

  MerkleMemory memory_;
};

}  // namespace faultline::test
