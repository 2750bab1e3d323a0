// Gas of the Solidity RISC-V step on a real EVM (anvil): execution gas by instruction class and
// by system call, measured by a meter contract around the call (contracts/test/StepGasMeter.sol,
// the gas a game contract calling the verifier pays for the call), the calldata of each step,
// and the gas of loading preimage parts. Figures: docs/benchmarks.md.
//
// Usage: faultline_step_gas [STEPS]   (STEPS per program and profile, default 3000)
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "faultline/mips/backend.hpp"
#include "faultline/riscv/backend.hpp"
#include "guest_programs.hpp"
#include "guests.hpp"
#include "mips/src/isa.hpp"
#include "riscv/src/isa.hpp"
#include "step_chain.hpp"

namespace {

using namespace faultline;
using test::Abi;
using test::StepChain;

std::uint64_t be64(ByteView bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i)
    value = value << 8 | bytes[at + i];
  return value;
}

std::string syscall_name(std::uint64_t number) {
  switch (number) {
    case 63:
      return "read";
    case 64:
      return "write";
    case 93:
    case 94:
      return "exit";
    case 214:
      return "brk";
    case 222:
      return "mmap";
    case 113:
    case 403:
      return "clock_gettime";
    default:
      return std::to_string(number);
  }
}

/// The class of the instruction a witness executes, read from its state and first proof (the
/// leaf holding pc; an instruction straddling two leaves takes its upper half from the second).
std::string instruction_class(unsigned xlen, const StepWitness& witness) {
  const std::uint64_t pc = be64(witness.state, 72);
  const std::size_t offset = pc % 32;
  const std::size_t proof_size = 32 * (1 + xlen - 5);
  const auto byte = [&](std::size_t i) -> std::uint32_t {
    return offset + i < 32 ? witness.proof[offset + i]
                           : witness.proof[proof_size + (offset + i - 32)];
  };
  std::uint32_t insn = byte(0) | byte(1) << 8;
  const bool compressed = (insn & 3) != 3;
  if (compressed) {
    insn = xlen == 32 ? riscv::expand_compressed<32>(insn) : riscv::expand_compressed<64>(insn);
  } else {
    insn |= byte(2) << 16 | byte(3) << 24;
  }
  switch (insn & 0x7f) {
    case 0x03:
      return "load";
    case 0x23:
      return "store";
    case 0x13:
    case 0x1b:
    case 0x37:
    case 0x17:
      return "alu, immediate";
    case 0x33:
    case 0x3b:
      return (insn >> 25) == 1 ? "multiply/divide" : "alu, register";
    case 0x63:
      return "branch";
    case 0x67:
    case 0x6f:
      return "jump";
    case 0x2f:
      return "atomic";
    case 0x73:
      return insn == 0x73 ? "ecall " + syscall_name(be64(witness.state, 132 + 8 * 16)) : "system";
    default:
      return "other";
  }
}

struct Sample {
  std::vector<std::uint64_t> gas;
  std::vector<std::uint64_t> calldata;
};

std::uint64_t median(std::vector<std::uint64_t> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// A VM profile to measure: how to load its example programs and name a step's class.
struct Profile {
  test::Family family;
  unsigned bits;
  std::string label;
  std::function<std::string(const StepWitness&)> classify;
  std::function<std::unique_ptr<Program>(const Backend&, const char*)> load;
  std::unique_ptr<Backend> backend;
};

std::unique_ptr<Program> load_file(const Backend& backend, const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return nullptr;
  auto program = backend.load(*bytes);
  return program ? std::move(*program) : nullptr;
}

/// The class of the MIPS instruction a witness executes, from its first proof (the leaf
/// holding pc: fetches are aligned, so the instruction lies in it).
std::string mips_class(unsigned bits, const StepWitness& witness) {
  const std::uint64_t pc = be64(witness.state, 72);
  if (witness.proof.size() < 32) return "halted or faulted";
  const std::size_t at = pc % 32;
  const std::uint32_t insn = std::uint32_t{witness.proof[at]} << 24 |
                             std::uint32_t{witness.proof[at + 1]} << 16 |
                             std::uint32_t{witness.proof[at + 2]} << 8 | witness.proof[at + 3];
  const mips::Op op = bits == 32 ? mips::decode<32>(insn) : mips::decode<64>(insn);
  if (op == mips::Op::illegal) return "illegal";
  const auto& e = mips::kEncodings[static_cast<std::size_t>(op)];
  if (op == mips::Op::syscall) return "syscall " + std::to_string(be64(witness.state, 180 + 8));
  return std::string(mips::kOpClassNames[static_cast<std::size_t>(e.op_class)]);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t steps = argc > 1 ? std::stoull(argv[1]) : 3000;
  StepChain chain;
  const std::string meter = chain.anvil().deploy(
      test::creation_code(FAULTLINE_CONTRACTS_OUT "/StepGasMeter.sol/StepGasMeter.json"));

  std::vector<Profile> profiles;
  for (const unsigned bits : {32u, 64u}) {
    profiles.push_back({test::Family::riscv, bits, "RV" + std::to_string(bits),
                        [bits](const StepWitness& w) { return instruction_class(bits, w); },
                        [bits](const Backend& backend, const char* name) {
                          return load_file(backend, test::guest_elf(bits, name));
                        },
                        riscv::make_backend(bits)});
  }
  for (const unsigned bits : {32u, 64u}) {
    profiles.push_back({test::Family::mips, bits, "MIPS" + std::to_string(bits),
                        [bits](const StepWitness& w) { return mips_class(bits, w); },
                        [bits](const Backend& backend, const char* name) {
                          return load_file(backend, test::mips_guest(bits, name));
                        },
                        mips::make_backend(bits)});
  }

  for (const Profile& profile : profiles) {
    std::map<std::string, Sample> by_class;
    Sample loads;
    // sha256 covers the preimage channel (its input through local slot 1); the others the
    // integer mix of real programs. Each contributes `steps` steps from its start.
    for (const char* name : {"sha256", "fib", "sort", "matmul"}) {
      auto program = profile.load(*profile.backend, name);
      if (!program) {
        std::fprintf(stderr, "cannot load %s\n", name);
        return 1;
      }
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input(Bytes(1000, 'x'));
      auto machine = program->start(oracle);
      for (std::uint64_t i = 0; i < steps && machine->status() == VmStatus::running; ++i) {
        auto witness = machine->step_with_witness();
        if (!witness) return 1;
        for (const PreimageRead& read : witness->preimages) {
          if (!chain.provide(*oracle, read, meter)) continue;
          loads.gas.push_back(chain.last_load_gas());
          loads.calldata.push_back(chain.last_load_calldata());
        }
        Bytes call = Abi::selector("measure(address,bytes,bytes)");
        Abi::address(call, chain.verifier(profile.family, profile.bits));
        const Bytes step = StepChain::step_call(witness->state, witness->proof);
        // measure's arguments: the step call's two `bytes` with offsets shifted by one word.
        Abi::word(call, 96);
        Abi::word(call, 96 + 32 + (witness->state.size() + 31) / 32 * 32);
        call.insert(call.end(), step.begin() + 4 + 64, step.end());
        const auto outcome = chain.anvil().try_view(meter, call);
        if (outcome.reverted || outcome.data.size() != 64 ||
            !std::equal(outcome.data.begin(), outcome.data.begin() + 32,
                        machine->commitment().begin())) {
          std::fprintf(stderr, "%s %s step %llu: the contract disagrees\n", profile.label.c_str(),
                       name, static_cast<unsigned long long>(witness->step));
          return 1;
        }
        Sample& sample = by_class[profile.classify(*witness)];
        sample.gas.push_back(be64(outcome.data, 56));
        sample.calldata.push_back(step.size());
      }
    }

    std::printf("\n%s: execution gas per step (meter), calldata bytes per step call\n",
                profile.label.c_str());
    std::printf("| class | steps | min | median | max | calldata (median) |\n");
    std::printf("|---|---:|---:|---:|---:|---:|\n");
    const auto row = [](const std::string& name, const Sample& sample) {
      std::printf(
          "| %s | %zu | %llu | %llu | %llu | %llu |\n", name.c_str(), sample.gas.size(),
          static_cast<unsigned long long>(*std::min_element(sample.gas.begin(), sample.gas.end())),
          static_cast<unsigned long long>(median(sample.gas)),
          static_cast<unsigned long long>(*std::max_element(sample.gas.begin(), sample.gas.end())),
          static_cast<unsigned long long>(median(sample.calldata)));
    };
    for (const auto& [name, sample] : by_class)
      row(name, sample);
    if (!loads.gas.empty()) row("preimage part load (whole transaction)", loads);
  }
  return 0;
}
