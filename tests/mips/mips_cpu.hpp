// A MIPS CPU harness for unit tests: every step runs through all three contexts (fast,
// recording, replay from the witness), which must agree; encodings come from llvm-mc.
#pragma once

#include <catch2/catch.hpp>
#include <functional>

#include "faultline/mips/state.hpp"
#include "guests.hpp"
#include "mips/src/contexts.hpp"
#include "mips/src/run_loop.hpp"
#include "mips/src/step.hpp"

namespace faultline::test {

/// Encodings of assembly lines from llvm-mc (an assembler nobody here wrote), concatenated.
inline Bytes assemble_mips(unsigned bits, const std::vector<std::string>& lines) {
  std::string source = ".set noreorder\n";
  for (const auto& line : lines)
    source += line + "\n";
  static int calls = 0;
  const std::string path =
      "mips-asm-" + std::to_string(getpid()) + "-" + std::to_string(++calls) + ".s";
  if (!write_file(path, as_bytes(source))) return {};
  const auto result =
      run_command(std::string("llvm-mc ") +
                  (bits == 32 ? "-triple=mips -mcpu=mips32r2" : "-triple=mips64 -mcpu=mips64r2") +
                  " --show-encoding " + path + " 2>&1");
  std::remove(path.c_str());
  Bytes code;
  std::size_t count = 0;
  std::size_t at = 0;
  while ((at = result.output.find("encoding: [", at)) != std::string::npos) {
    at += 11;
    const std::size_t end = result.output.find(']', at);
    std::string list = result.output.substr(at, end - at);
    for (std::size_t start = 0; start < list.size();) {
      std::size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      code.push_back(
          static_cast<std::uint8_t>(std::stoul(list.substr(start, comma - start), nullptr, 16)));
      start = comma + 1;
    }
    ++count;
  }
  if (count != lines.size())
    throw std::runtime_error("llvm-mc did not assemble every line:\n" + result.output);
  return code;
}

/// One step as a verifier sees it (see tests/riscv/hart.hpp's WitnessedStep).
struct MipsWitnessedStep {
  unsigned bits;
  ByteView pre;
  ByteView proofs;
  const std::vector<PreimageRead>& preimages;
  const InMemoryPreimageOracle& oracle;
  std::optional<Hash> post;
};

/// If set, sees every step a MipsCpu takes (the EVM tests hand each one to the contract).
inline std::function<void(const MipsWitnessedStep&)>& mips_step_observer() {
  static std::function<void(const MipsWitnessedStep&)> observer;
  return observer;
}

class MipsCpu {
 public:
  static constexpr std::uint64_t kCode = 0x1000;
  static constexpr std::uint64_t kData = 0x8000;

  MipsCpu(unsigned bits, const std::vector<std::string>& lines) : memory_(bits) {
    const Bytes code = assemble_mips(bits, lines);
    state.bits = static_cast<std::uint8_t>(bits);
    state.pc = kCode;
    state.next_pc = kCode + 4;
    state.code_start = kCode;
    state.code_end = kCode + code.size();
    state.heap = 0x10'0000;
    state.mmap_next = bits == 32 ? mips::kAddressMap32.mmap_base : mips::kAddressMap64.mmap_base;
    REQUIRE(memory_.write(kCode, code));
  }

  std::uint64_t& r(unsigned i) { return state.r[i]; }
  mips::State state;
  InMemoryPreimageOracle oracle;
  Outputs outputs;

  void poke(std::uint64_t address, ByteView bytes) { REQUIRE(memory_.write(address, bytes)); }
  /// Big-endian value of `size` bytes.
  std::uint64_t peek(std::uint64_t address, unsigned size) {
    std::uint8_t bytes[8] = {};
    REQUIRE(memory_.read(address, std::span(bytes, size)));
    std::uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i)
      value = value << 8 | bytes[i];
    return value;
  }

  /// One step on every path; returns the outcome after checking that all paths agree.
  mips::StepOutcome step() {
    // The fast run loop, one step, on a copy.
    mips::State fast_state = state;
    MerkleMemory fast_memory = memory_.snapshot();
    Outputs fast_outputs = outputs;
    mips::DecodeCache fast_decoded;
    mips::RunContext fast(fast_state, fast_memory, oracle, fast_outputs, fast_decoded);
    const RunOutcome fast_run =
        state.bits == 32 ? mips::run_fast<32>(fast, 1) : mips::run_fast<64>(fast, 1);
    const auto fast_outcome = fast_run.blocked      ? mips::StepOutcome::blocked
                              : fast_run.steps == 1 ? mips::StepOutcome::executed
                                                    : mips::StepOutcome::halted;

    // step() on direct memory, on another copy.
    mips::State direct_state = state;
    MerkleMemory direct_memory = memory_.snapshot();
    Outputs direct_outputs = outputs;
    mips::DecodeCache direct_decoded;
    mips::MemoryContext direct(direct_state, direct_memory, oracle, direct_outputs, direct_decoded);
    const auto direct_outcome = run(direct);

    state.pages_in_use = memory_.nonzero_pages();

    state.memory_root = memory_.root();
    const Bytes pre = mips::encode(state);
    Bytes proofs;
    std::vector<PreimageRead> preimage;
    mips::DecodeCache decoded;
    mips::RecordingContext recording(state, memory_, oracle, outputs, decoded, proofs, preimage);
    const auto outcome = run(recording);
    state.pages_in_use = memory_.nonzero_pages();
    state.memory_root = memory_.root();

    auto replayed = mips::decode(pre);
    REQUIRE(replayed.ok());
    mips::ReplayContext replay(*replayed, proofs, oracle);
    const auto replay_outcome = run(replay);
    REQUIRE(fast_outcome == outcome);
    REQUIRE(direct_outcome == outcome);
    REQUIRE(replay_outcome == outcome);
    if (mips_step_observer()) {
      std::optional<Hash> post;
      if (outcome != mips::StepOutcome::blocked)
        post = state_commitment(mips::encode(state), state.status);
      mips_step_observer()({state.bits, pre, proofs, preimage, oracle, post});
    }
    if (outcome == mips::StepOutcome::blocked) return outcome;
    INFO("replay error: " << (replay.error() ? replay.error()->message : "none"));
    REQUIRE_FALSE(replay.error().has_value());
    REQUIRE(replay.memory.unused_bytes() == 0);
    REQUIRE(mips::encode(*replayed) == mips::encode(state));
    fast_state.pages_in_use = fast_memory.nonzero_pages();
    fast_state.memory_root = fast_memory.root();
    REQUIRE(fast_state == state);
    REQUIRE(fast_outputs.by_fd == outputs.by_fd);
    direct_state.pages_in_use = direct_memory.nonzero_pages();
    direct_state.memory_root = direct_memory.root();
    REQUIRE(direct_state == state);
    return outcome;
  }

  void run_code(std::size_t instructions) {
    for (std::size_t i = 0; i < instructions; ++i)
      REQUIRE(step() == mips::StepOutcome::executed);
  }

 private:
  template <class Context>
  mips::StepOutcome run(Context& context) {
    return state.bits == 32 ? mips::step<32>(context) : mips::step<64>(context);
  }

  MerkleMemory memory_;
};

}  // namespace faultline::test
