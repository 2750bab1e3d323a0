// The MIPS backend: program loading, the machine and the step verifier, all running the one
// step function of step.hpp in their own context.
#include "faultline/mips/backend.hpp"

#include <string>

#include "contexts.hpp"
#include "faultline/elf.hpp"
#include "faultline/keccak.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/mips/state.hpp"
#include "faultline/vm_machine.hpp"
#include "run_loop.hpp"
#include "step.hpp"

namespace faultline::mips {

template RunOutcome run_fast<32>(RunContext&, std::uint64_t);
template RunOutcome run_fast<64>(RunContext&, std::uint64_t);

namespace {

std::string_view profile_name(unsigned bits) {
  return bits == 32 ? "mips32" : "mips64";
}

/// One MIPS profile as the framework's VM machine and step verifier take it.
template <unsigned Bits>
struct Isa {
  using State = mips::State;
  using DecodeCache = mips::DecodeCache;
  using RunContext = mips::RunContext;
  using RecordingContext = mips::RecordingContext;
  using ReplayContext = mips::ReplayContext;

  static Bytes encode(const State& state) { return mips::encode(state); }
  static Result<State> decode(ByteView bytes) {
    auto state = mips::decode(bytes);
    if (state && state->bits != Bits) {
      return Error{Errc::malformed_input, "state is for MIPS" + std::to_string(state->bits) +
                                              ", this verifier runs MIPS" + std::to_string(Bits)};
    }
    return state;
  }
  template <class Context>
  static StepOutcome step(Context& context) {
    return mips::step<Bits>(context);
  }
  static RunOutcome run(RunContext& context, std::uint64_t max_steps) {
    return run_fast<Bits>(context, max_steps);
  }
  static std::string fault_description(const State& state) {
    std::string what(fault_cause_name(state.fault_cause));
    for (char& c : what)
      c = c == '_' ? ' ' : c;
    const bool is_address = state.fault_cause == FaultCause::address_error ||
                            state.fault_cause == FaultCause::fetch_outside_code ||
                            state.fault_cause == FaultCause::memory_limit;
    return what + (is_address ? "" : " " + hex_number(state.fault_value)) + " at pc " +
           hex_number(state.pc) +
           (is_address ? " (address " + hex_number(state.fault_value) + ")" : "");
  }
};

class MipsProgram final : public Program {
 public:
  MipsProgram(unsigned bits, std::uint64_t memory_limit, LoadedElf elf, Hash artifact_hash)
      : bits_(bits),
        memory_limit_(memory_limit),
        elf_(std::move(elf)),
        artifact_hash_(artifact_hash) {}

  std::string_view backend_name() const noexcept override { return profile_name(bits_); }
  const Hash& artifact_hash() const noexcept override { return artifact_hash_; }

  std::unique_ptr<Machine> start(std::shared_ptr<const PreimageOracle> oracle) const override {
    // load() checked the image fits the address space and the memory limit.
    auto image = memory_image(elf_, bits_, memory_limit_);
    MerkleMemory memory = std::move(*image);
    const AddressMap& map = bits_ == 32 ? kAddressMap32 : kAddressMap64;
    State state;
    state.bits = static_cast<std::uint8_t>(bits_);
    state.pc = elf_.entry;
    state.next_pc = elf_.entry + 4;
    state.code_start = elf_.code_start;
    state.code_end = elf_.code_end;
    state.heap = (elf_.end + 4095) & ~std::uint64_t{4095};
    state.mmap_next = map.mmap_base;
    state.r[29] = map.stack_top - 64;  // argc = 0 and empty argv, envp and auxv: all zero bytes
    state.memory_limit = memory_limit_;
    if (bits_ == 32)
      return std::make_unique<VmMachine<Isa<32>>>(state, std::move(memory), std::move(oracle));
    return std::make_unique<VmMachine<Isa<64>>>(state, std::move(memory), std::move(oracle));
  }

 private:
  unsigned bits_;
  std::uint64_t memory_limit_;
  LoadedElf elf_;
  Hash artifact_hash_;
};

class MipsBackend final : public Backend {
 public:
  MipsBackend(unsigned bits, std::uint64_t memory_limit)
      : bits_(bits), memory_limit_(memory_limit) {
    if (bits == 32) {
      verifier_ = std::make_unique<VmStepVerifier<Isa<32>>>();
    } else {
      verifier_ = std::make_unique<VmStepVerifier<Isa<64>>>();
    }
  }

  std::string_view name() const noexcept override { return profile_name(bits_); }
  std::string_view description() const noexcept override {
    return bits_ == 32 ? "MIPS32r2 big-endian user-level programs (static ELF, o32 syscalls)"
                       : "MIPS64r2 big-endian user-level programs (static ELF, n64 syscalls)";
  }

  Result<std::unique_ptr<Program>> load(ByteView artifact) const override {
    auto elf = load_elf(artifact, elf_target());
    if (!elf) return elf.error();
    if (auto image = memory_image(*elf, bits_, memory_limit_); !image) {
      return image.error();
    }
    return std::unique_ptr<Program>(
        std::make_unique<MipsProgram>(bits_, memory_limit_, std::move(*elf), keccak256(artifact)));
  }

  const StepVerifier& step_verifier() const noexcept override { return *verifier_; }

  std::optional<StateLayout> state_layout() const noexcept override {
    return mips::state_layout(bits_);
  }

 private:
  ElfTarget elf_target() const {
    ElfTarget target;
    target.architecture = "MIPS";
    target.machine = 8;  // EM_MIPS
    target.bits = bits_;
    target.big_endian = true;
    target.load_limit = (bits_ == 32 ? kAddressMap32 : kAddressMap64).mmap_base;
    target.entry_alignment = 4;
    target.check_flags = [](std::uint32_t flags) -> std::string {
      constexpr std::uint32_t kArchMask = 0xf0000000;  // EF_MIPS_ARCH
      constexpr std::uint32_t kArch32R6 = 0x90000000, kArch64R6 = 0xa0000000;
      constexpr std::uint32_t kMicroMips = 0x02000000, kMips16 = 0x04000000;
      if ((flags & kArchMask) == kArch32R6 || (flags & kArchMask) == kArch64R6)
        return "file is for MIPS release 6, whose encodings differ; build with -march=mips32r2 "
               "or -march=mips64r2";
      if ((flags & (kMicroMips | kMips16)) != 0) return "file uses microMIPS or MIPS16 code";
      return {};
    };
    return target;
  }

  unsigned bits_;
  std::uint64_t memory_limit_;
  std::unique_ptr<StepVerifier> verifier_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(unsigned bits, std::uint64_t memory_limit) {
  return std::make_unique<MipsBackend>(bits == 32 ? 32 : 64, memory_limit);
}

}  // namespace faultline::mips
