// The RISC-V backend: program loading, the machine and the step verifier, all running the one
// step function of step.hpp in their own context.
#include "faultline/riscv/backend.hpp"

#include <string>

#include "contexts.hpp"
#include "faultline/elf.hpp"
#include "faultline/keccak.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/riscv/state.hpp"
#include "faultline/vm_machine.hpp"
#include "run_loop.hpp"
#include "step.hpp"

namespace faultline::riscv {

template RunOutcome run_fast<32>(RunContext&, std::uint64_t);
template RunOutcome run_fast<64>(RunContext&, std::uint64_t);

namespace {

/// One RISC-V profile as the framework's VM machine and step verifier take it.
template <unsigned Xlen>
struct Isa {
  using State = riscv::State;
  using DecodeCache = riscv::DecodeCache;
  using RunContext = riscv::RunContext;
  using RecordingContext = riscv::RecordingContext;
  using ReplayContext = riscv::ReplayContext;

  static Bytes encode(const State& state) { return riscv::encode(state); }
  static Result<State> decode(ByteView bytes) {
    auto state = riscv::decode(bytes);
    if (state && state->xlen != Xlen) {
      return Error{Errc::malformed_input, "state is for RV" + std::to_string(state->xlen) +
                                              ", this verifier runs RV" + std::to_string(Xlen)};
    }
    return state;
  }
  template <class Context>
  static StepOutcome step(Context& context) {
    return riscv::step<Xlen>(context);
  }
  static RunOutcome run(RunContext& context, std::uint64_t max_steps) {
    return run_fast<Xlen>(context, max_steps);
  }
  static std::string fault_description(const State& state) {
    std::string what(fault_cause_name(state.fault_cause));
    for (char& c : what)
      c = c == '_' ? ' ' : c;
    const bool is_instruction = state.fault_cause == FaultCause::illegal_instruction;
    return what + (is_instruction ? " " + hex_number(state.fault_value) : "") + " at pc " +
           hex_number(state.pc) +
           (state.fault_cause == FaultCause::misaligned_atomic ||
                    state.fault_cause == FaultCause::address_wrap ||
                    state.fault_cause == FaultCause::memory_limit
                ? " (address " + hex_number(state.fault_value) + ")"
                : "");
  }
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
      return std::make_unique<VmMachine<Isa<32>>>(state, std::move(memory), std::move(oracle));
    return std::make_unique<VmMachine<Isa<64>>>(state, std::move(memory), std::move(oracle));
  }

 private:
  unsigned xlen_;
  std::uint64_t memory_limit_;
  LoadedElf elf_;
  Hash artifact_hash_;
};

class RiscvBackend final : public Backend {
 public:
  RiscvBackend(unsigned xlen, std::uint64_t memory_limit)
      : xlen_(xlen), memory_limit_(memory_limit) {
    if (xlen == 32) {
      verifier_ = std::make_unique<VmStepVerifier<Isa<32>>>();
    } else {
      verifier_ = std::make_unique<VmStepVerifier<Isa<64>>>();
    }
  }

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

  const StepVerifier& step_verifier() const noexcept override { return *verifier_; }

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
  std::unique_ptr<StepVerifier> verifier_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(unsigned xlen, std::uint64_t memory_limit) {
  return std::make_unique<RiscvBackend>(xlen == 32 ? 32 : 64, memory_limit);
}

}  // namespace faultline::riscv
