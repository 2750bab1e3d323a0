// The RISC-V backend: program loading, the machine and the step verifier, all running the one
// step function of step.hpp in their own context.
#include "faultline/riscv/backend.hpp"

#include <string>

#include "contexts.hpp"
#include "faultline/elf.hpp"
#include "faultline/keccak.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/riscv/state.hpp"
#include "run_loop.hpp"
#include "step.hpp"

namespace faultline::riscv {

template RunOutcome run_fast<32>(RunContext&, std::uint64_t);
template RunOutcome run_fast<64>(RunContext&, std::uint64_t);

namespace {

template <unsigned Xlen>
class RiscvMachine final : public Machine {
 public:
  RiscvMachine(State state, MerkleMemory memory, std::shared_ptr<const PreimageOracle> oracle)
      : state_(state), memory_(std::move(memory)), oracle_(std::move(oracle)) {}

  VmStatus status() const noexcept override { return state_.status; }
  std::uint64_t step_count() const noexcept override { return state_.step; }
  std::optional<std::int64_t> exit_code() const noexcept override {
    if (state_.status != VmStatus::exited_ok && state_.status != VmStatus::exited_failure) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(state_.exit_code);
  }

  Result<std::uint64_t> run(std::uint64_t max_steps) override {
    RunContext context(state_, memory_, *oracle_, outputs_, decoded_);
    const RunOutcome outcome = run_fast<Xlen>(context, max_steps);
    if (outcome.blocked) return blocked_error(*context.blocked_by);
    return outcome.steps;
  }

  Result<StepWitness> step_with_witness() override {
    StepWitness witness;
    witness.step = state_.step;
    witness.state = encode_state();
    const State before = state_;
    RecordingContext context(state_, memory_, *oracle_, outputs_, decoded_, witness.proof,
                             witness.preimages);
    if (step<Xlen>(context) == StepOutcome::blocked) {
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
    return encode(state_);
  }

  std::unique_ptr<Machine> snapshot() override {
    auto copy = std::make_unique<RiscvMachine>(state_, memory_.snapshot(), oracle_);
    copy->outputs_ = outputs_;
    return copy;
  }

  std::string fault_description() const override {
    if (state_.status != VmStatus::faulted) return {};
    std::string what(fault_cause_name(state_.fault_cause));
    for (char& c : what)
      c = c == '_' ? ' ' : c;
    const bool is_instruction = state_.fault_cause == FaultCause::illegal_instruction;
    return what + (is_instruction ? " " + hex_number(state_.fault_value) : "") + " at pc " +
           hex_number(state_.pc) +
           (state_.fault_cause == FaultCause::misaligned_atomic ||
                    state_.fault_cause == FaultCause::address_wrap ||
                    state_.fault_cause == FaultCause::memory_limit
                ? " (address " + hex_number(state_.fault_value) + ")"
                : "");
  }

  ByteView output(int fd) const noexcept override {
    if (fd != 1 && fd != 2) return {};
    return outputs_.by_fd[static_cast<std::size_t>(fd - 1)].bytes();
  }

  const State& state() const { return state_; }

 private:
  static Error blocked_error(const Error& cause) {
    return Error{cause.code, "the guest reads a preimage the oracle lacks: " + cause.message};
  }

  State state_;
  MerkleMemory memory_;
  std::shared_ptr<const PreimageOracle> oracle_;
  Outputs outputs_;
  DecodeCache decoded_;  ///< not copied by snapshot(): rebuilt lazily from memory
};

class RiscvProgram final : public Program {
 public:
  RiscvProgram(unsigned xlen, std::uint64_t memory_limit, LoadedElf elf, Hash artifact_hash)
      : xlen_(xlen),
        memory_limit_(memory_limit),
        elf_(std::move(elf)),
        artifact_hash_(artifact_hash) {}

  std::string_view backend_name() const noexcept override {
    return xlen_ == 32 ? "riscv32" : "riscv64";
  }
  const Hash& artifact_hash() const noexcept override { return artifact_hash_; }

  std::unique_ptr<Machine> start(std::shared_ptr<const PreimageOracle> oracle) const override {
    // load() checked the image fits the address space and the memory limit.
    auto image = memory_image(elf_, xlen_, memory_limit_);
    MerkleMemory memory = std::move(*image);
    const AddressMap& map = xlen_ == 32 ? kAddressMap32 : kAddressMap64;
    State state;
    state.xlen = static_cast<std::uint8_t>(xlen_);
    state.pc = elf_.entry;
    state.heap = (elf_.end + 4095) & ~std::uint64_t{4095};
    state.mmap_next = map.mmap_base;
    state.x[2] = map.stack_top - 64;  // argc = 0 and empty argv, envp and auxv: all zero bytes
    state.memory_limit = memory_limit_;
    if (xlen_ == 32)
      return std::make_unique<RiscvMachine<32>>(state, std::move(memory), std::move(oracle));
    return std::make_unique<RiscvMachine<64>>(state, std::move(memory), std::move(oracle));
  }

 private:
  unsigned xlen_;
  std::uint64_t memory_limit_;
  LoadedElf elf_;
  Hash artifact_hash_;
};

class RiscvStepVerifier final : public StepVerifier {
 public:
  explicit RiscvStepVerifier(unsigned xlen) : xlen_(xlen) {}

  Result<Hash> state_commitment(ByteView bytes) const override {
    auto state = decode_for_this_xlen(bytes);
    if (!state) return state.error();
    return faultline::state_commitment(bytes, state->status);
  }

  Result<Hash> step(ByteView bytes, ByteView proof, const PreimageOracle& oracle) const override {
    auto state = decode_for_this_xlen(bytes);
    if (!state) return state.error();
    ReplayContext context(*state, proof, oracle);
    const StepOutcome outcome = xlen_ == 32 ? riscv::step<32>(context) : riscv::step<64>(context);
    if (context.error()) return *context.error();
    if (outcome == StepOutcome::blocked) {
      return Error{Errc::not_found, "the step reads a preimage the oracle lacks"};
    }
    if (context.memory.unused_bytes() != 0) {
      return Error{Errc::malformed_input, std::to_string(context.memory.unused_bytes()) +
                                              " proof bytes were left unused by the step"};
    }
    return faultline::state_commitment(encode(*state), state->status);
  }

 private:
  Result<State> decode_for_this_xlen(ByteView bytes) const {
    auto state = decode(bytes);
    if (state && state->xlen != xlen_) {
      return Error{Errc::malformed_input, "state is for RV" + std::to_string(state->xlen) +
                                              ", this verifier runs RV" + std::to_string(xlen_)};
    }
    return state;
  }

  unsigned xlen_;
};

class RiscvBackend final : public Backend {
 public:
  RiscvBackend(unsigned xlen, std::uint64_t memory_limit)
      : xlen_(xlen), memory_limit_(memory_limit), verifier_(xlen) {}

  std::string_view name() const noexcept override { return xlen_ == 32 ? "riscv32" : "riscv64"; }
  std::string_view description() const noexcept override {
    return xlen_ == 32 ? "RV32IMAC user-level programs (static ELF, Linux syscalls)"
                       : "RV64IMAC user-level programs (static ELF, Linux syscalls)";
  }

  Result<std::unique_ptr<Program>> load(ByteView artifact) const override {
    auto elf = load_elf(artifact, elf_target());
    if (!elf) return elf.error();
    if (auto image = memory_image(*elf, xlen_, memory_limit_); !image) {
      return image.error();
    }
    return std::unique_ptr<Program>(
        std::make_unique<RiscvProgram>(xlen_, memory_limit_, std::move(*elf), keccak256(artifact)));
  }

  const StepVerifier& step_verifier() const noexcept override { return verifier_; }

  std::optional<StateLayout> state_layout() const noexcept override {
    return riscv::state_layout(xlen_);
  }

 private:
  ElfTarget elf_target() const {
    ElfTarget target;
    target.architecture = "RISC-V";
    target.machine = 243;  // EM_RISCV
    target.bits = xlen_;
    target.load_limit = (xlen_ == 32 ? kAddressMap32 : kAddressMap64).mmap_base;
    target.entry_alignment = 2;
    target.check_flags = [](std::uint32_t flags) -> std::string {
      constexpr std::uint32_t kFloatAbiMask = 0x6;  // EF_RISCV_FLOAT_ABI
      constexpr std::uint32_t kRve = 0x8;           // EF_RISCV_RVE
      if ((flags & (kFloatAbiMask | kRve)) == 0) return {};
      return "file uses a hard-float or RV32E ABI; build with -mabi=ilp32 or -mabi=lp64";
    };
    return target;
  }

  unsigned xlen_;
  std::uint64_t memory_limit_;
  RiscvStepVerifier verifier_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(unsigned xlen, std::uint64_t memory_limit) {
  return std::make_unique<RiscvBackend>(xlen == 32 ? 32 : 64, memory_limit);
}

}  // namespace faultline::riscv
