// The machine and the step verifier of a VM backend, written once for every ISA.
//
// One step, three contexts: a VM backend writes its step function once, as a template over a
// context, and it runs unchanged
//   - in a run context (Machine::run(): the fast loop, no hashing),
//   - in a recording context (Machine::step_with_witness(): the real memory, with a
//     LeafRecorder taking each leaf's proof the first time the step touches it),
//   - in a replay context (StepVerifier::step(): memory rebuilt from the witness's proofs alone
//     by a LeafReplayer, checked against the state's memory root),
// so the fast run, the witness and the verifier cannot disagree about what a step does; the
// onchain verifier mirrors the same function and the differential tests hold it to it.
//
// A backend describes its ISA (one profile of it: RV64, MIPS32, ...) as a traits struct that
// satisfies VmIsa, and gets VmMachine<Isa> and VmStepVerifier<Isa>; what stays its own is the
// ISA: the state and its codec, the contexts' byte order and fetch, the step function, the
// fast run loop, the initial state of a program (its Program) and fault descriptions.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "faultline/machine.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/step_support.hpp"
#include "faultline/step_verifier.hpp"

namespace faultline {

/// The ISA of one VM profile, as VmMachine and VmStepVerifier use it.
template <class Isa>
concept VmIsa = requires(typename Isa::State& state, const typename Isa::State& fixed,
                         ByteView bytes, typename Isa::RunContext& run,
                         typename Isa::RecordingContext& recording,
                         typename Isa::ReplayContext& replay, std::uint64_t steps) {
  // The state: its status, step counter, exit code and the fields the memory fills in.
  { fixed.status } -> std::convertible_to<VmStatus>;
  { fixed.step } -> std::convertible_to<std::uint64_t>;
  { fixed.exit_code } -> std::convertible_to<std::uint64_t>;
  { state.memory_root } -> std::same_as<Hash&>;
  { state.pages_in_use } -> std::same_as<std::uint64_t&>;
  { Isa::encode(fixed) } -> std::same_as<Bytes>;
  /// The state from its encoding, checked to be of this profile.
  { Isa::decode(bytes) } -> std::same_as<Result<typename Isa::State>>;
  { Isa::fault_description(fixed) } -> std::same_as<std::string>;
  // The three contexts (MachineIo gives the first two blocked_by).
  requires std::constructible_from<typename Isa::RunContext, typename Isa::State&, MerkleMemory&,
                                   const PreimageOracle&, Outputs&, typename Isa::DecodeCache&>;
  requires std::constructible_from < typename Isa::RecordingContext, typename Isa::State&,
      MerkleMemory&, const PreimageOracle&, Outputs&, typename Isa::DecodeCache&, Bytes&,
      std::vector<PreimageRead>
  & > ;
  requires std::constructible_from<typename Isa::ReplayContext, typename Isa::State&, ByteView,
                                   const PreimageOracle&>;
  { run.blocked_by } -> std::same_as<std::optional<Error>&>;
  { recording.blocked_by } -> std::same_as<std::optional<Error>&>;
  { recording.recorder } -> std::same_as<LeafRecorder&>;
  { replay.memory } -> std::same_as<LeafReplayer&>;
  // The step function in the two contexts that prove, and the fast loop.
  { Isa::step(recording) } -> std::same_as<StepOutcome>;
  { Isa::step(replay) } -> std::same_as<StepOutcome>;
  { Isa::run(run, steps) } -> std::same_as<RunOutcome>;
};

/// A program running on a VM profile.
template <VmIsa Isa>
class VmMachine final : public Machine {
 public:
  using State = typename Isa::State;

  VmMachine(State state, MerkleMemory memory, std::shared_ptr<const PreimageOracle> oracle)
      : state_(std::move(state)), memory_(std::move(memory)), oracle_(std::move(oracle)) {}

  VmStatus status() const noexcept override { return state_.status; }
  std::uint64_t step_count() const noexcept override { return state_.step; }
  std::optional<std::int64_t> exit_code() const noexcept override {
    if (state_.status != VmStatus::exited_ok && state_.status != VmStatus::exited_failure) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(state_.exit_code);
  }

  Result<std::uint64_t> run(std::uint64_t max_steps) override {
    typename Isa::RunContext context(state_, memory_, *oracle_, outputs_, decoded_);
    const RunOutcome outcome = Isa::run(context, max_steps);
    if (outcome.blocked) return blocked_error(*context.blocked_by);
    return outcome.steps;
  }

  Result<StepWitness> step_with_witness() override {
    StepWitness witness;
    witness.step = state_.step;
    witness.state = encode_state();
    const State before = state_;
    typename Isa::RecordingContext context(state_, memory_, *oracle_, outputs_, decoded_,
                                           witness.proof, witness.preimages);
    if (Isa::step(context) == StepOutcome::blocked) {
      state_ = before;
      return blocked_error(*context.blocked_by);
    }
    // A step touching more leaves than a witness holds is a bug of the semantics, not of the
    // guest: no witness rather than a wrong one.
    if (context.recorder.error()) return *context.recorder.error();
    return witness;
  }

  Bytes encode_state() override {
    state_.pages_in_use = memory_.nonzero_pages();
    state_.memory_root = memory_.root();
    return Isa::encode(state_);
  }

  std::unique_ptr<Machine> snapshot() override {
    auto copy = std::make_unique<VmMachine>(state_, memory_.snapshot(), oracle_);
    copy->outputs_ = outputs_;
    return copy;
  }

  std::string fault_description() const override {
    return state_.status == VmStatus::faulted ? Isa::fault_description(state_) : std::string();
  }

  ByteView output(int fd) const noexcept override {
    if (fd != 1 && fd != 2) return {};
    return outputs_.by_fd[static_cast<std::size_t>(fd - 1)].bytes();
  }

 private:
  static Error blocked_error(const Error& cause) {
    return Error{cause.code, "the guest reads a preimage the oracle lacks: " + cause.message};
  }

  State state_;
  MerkleMemory memory_;
  std::shared_ptr<const PreimageOracle> oracle_;
  Outputs outputs_;
  typename Isa::DecodeCache decoded_;  ///< not copied by snapshot(): rebuilt lazily from memory
};

/// The step verifier of a VM profile: the post-state commitment from the pre-state and the
/// proofs alone (the replay context).
template <VmIsa Isa>
class VmStepVerifier final : public StepVerifier {
 public:
  Result<Hash> state_commitment(ByteView bytes) const override {
    auto state = Isa::decode(bytes);
    if (!state) return state.error();
    return faultline::state_commitment(bytes, state->status);
  }

  Result<Hash> step(ByteView bytes, ByteView proof, const PreimageOracle& oracle) const override {
    auto state = Isa::decode(bytes);
    if (!state) return state.error();
    typename Isa::ReplayContext context(*state, proof, oracle);
    const StepOutcome outcome = Isa::step(context);
    if (context.memory.error()) return *context.memory.error();
    if (outcome == StepOutcome::blocked) {
      return Error{Errc::not_found, "the step reads a preimage the oracle lacks"};
    }
    if (context.memory.unused_bytes() != 0) {
      return Error{Errc::malformed_input, std::to_string(context.memory.unused_bytes()) +
                                              " proof bytes were left unused by the step"};
    }
    return faultline::state_commitment(Isa::encode(*state), state->status);
  }
};

}  // namespace faultline
