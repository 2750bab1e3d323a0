// The Solidity RISC-V step verifier on a real EVM (anvil) agrees with the C++ machine and its
// off-chain step verifier on every step of the example programs, and rejects bad witnesses
// with named errors.
#include <catch2/catch.hpp>

#include "guest_programs.hpp"
#include "step_chain.hpp"

namespace {

using namespace faultline;
using test::Abi;
using test::StepChain;

/// Steps `machine` to its halt (at most `limit` steps), sending every witness to the contract.
/// Returns the number of steps checked.
std::uint64_t check_every_step(StepChain& chain, unsigned xlen, Machine& machine,
                               const StepVerifier& verifier, const PreimageOracle& oracle,
                               std::uint64_t limit) {
  std::uint64_t checked = 0;
  while (checked < limit) {
    auto witness = machine.step_with_witness();
    REQUIRE(witness.ok());
    const Hash post = machine.commitment();
    auto off_chain = verifier.step(witness->state, witness->proof, oracle);
    REQUIRE(off_chain.ok());
    REQUIRE(*off_chain == post);
    for (const PreimageRead& read : witness->preimages)
      chain.provide(oracle, read);
    const auto on_chain = chain.step(test::Family::riscv, xlen, witness->state, witness->proof);
    INFO("step " << witness->step << ", revert data " << to_hex(on_chain.data));
    REQUIRE_FALSE(on_chain.reverted);
    REQUIRE(on_chain.data == Bytes(post.begin(), post.end()));
    ++checked;
    if (machine.status() != VmStatus::running) break;
  }
  return checked;
}

/// A witness of the first step of `name`, for the negative cases.
StepWitness first_witness(unsigned xlen, const char* name) {
  auto guest = test::load_guest_with_input(xlen, name);
  REQUIRE(guest.program);
  auto machine = guest.program->start(guest.oracle);
  auto witness = machine->step_with_witness();
  REQUIRE(witness.ok());
  return *witness;
}

Bytes selector(const char* signature) {
  return Abi::selector(signature);
}

/// Whether the off-chain verifier accepts the witness (it must reject what the contract does).
bool cpp_verifier_accepts(unsigned xlen, ByteView state, ByteView proof) {
  const auto backend = riscv::make_backend(xlen);
  const InMemoryPreimageOracle oracle;
  return backend->step_verifier().step(state, proof, oracle).ok();
}

}  // namespace

TEST_CASE("every step of the small examples runs the same on the EVM", "[slow]") {
  StepChain& chain = StepChain::shared();
  for (const unsigned xlen : {32u, 64u}) {
    for (const char* name : {"fib", "sha256", "fault_illegal", "fault_wild_jump"}) {
      INFO("riscv" << xlen << " " << name);
      auto guest = test::load_guest_with_input(xlen, name, Bytes(40, 'x'));
      REQUIRE(guest.program);
      auto machine = guest.program->start(guest.oracle);
      const std::uint64_t steps = check_every_step(
          chain, xlen, *machine, guest.backend->step_verifier(), *guest.oracle, 10'000'000);
      CHECK(machine->status() != VmStatus::running);
      CHECK(steps == machine->step_count());
      // A halted machine's step changes nothing, on the EVM too.
      check_every_step(chain, xlen, *machine, guest.backend->step_verifier(), *guest.oracle, 1);
    }
  }
}

TEST_CASE("windows of the long examples run the same on the EVM", "[slow]") {
  StepChain& chain = StepChain::shared();
  for (const unsigned xlen : {32u, 64u}) {
    for (const char* name : {"sort", "matmul"}) {
      INFO("riscv" << xlen << " " << name);
      auto guest = test::load_guest_with_input(xlen, name);
      REQUIRE(guest.program);
      auto machine = guest.program->start(guest.oracle);
      for (int window = 0; window < 4; ++window) {
        REQUIRE(machine->run(3'000'000).ok());
        check_every_step(chain, xlen, *machine, guest.backend->step_verifier(), *guest.oracle, 150);
      }
    }
  }
}

TEST_CASE("bad witnesses revert with named errors on the EVM") {
  StepChain& chain = StepChain::shared();
  for (const unsigned xlen : {32u, 64u}) {
    INFO("riscv" << xlen);
    const StepWitness witness = first_witness(xlen, "fib");
    const std::size_t proof_size = 32 * (1 + xlen - 5);
    REQUIRE(witness.proof.size() == proof_size);  // one fetch leaf
    REQUIRE_FALSE(chain.step(test::Family::riscv, xlen, witness.state, witness.proof).reverted);

    SECTION("a sibling of the memory proof is wrong") {
      Bytes proof = witness.proof;
      proof[40] ^= 1;
      CHECK_FALSE(cpp_verifier_accepts(xlen, witness.state, proof));
      const auto outcome = chain.step(test::Family::riscv, xlen, witness.state, proof);
      REQUIRE(outcome.reverted);
      CHECK(test::revert_selector(outcome) == selector("MemoryProofMismatch(uint256,uint256)"));
    }
    SECTION("the leaf itself is wrong") {
      Bytes proof = witness.proof;
      proof[0] ^= 0x80;
      CHECK(test::revert_selector(chain.step(test::Family::riscv, xlen, witness.state, proof)) ==
            selector("MemoryProofMismatch(uint256,uint256)"));
    }
    SECTION("the proof is truncated or missing") {
      const Bytes proof(witness.proof.begin(), witness.proof.end() - 32);
      CHECK_FALSE(cpp_verifier_accepts(xlen, witness.state, proof));
      CHECK(test::revert_selector(chain.step(test::Family::riscv, xlen, witness.state, proof)) ==
            selector("MemoryProofTruncated(uint256)"));
      CHECK(test::revert_selector(chain.step(test::Family::riscv, xlen, witness.state, {})) ==
            selector("MemoryProofTruncated(uint256)"));
    }
    SECTION("proof bytes are left over") {
      Bytes proof = witness.proof;
      proof.resize(proof.size() + 32);
      CHECK_FALSE(cpp_verifier_accepts(xlen, witness.state, proof));
      const auto outcome = chain.step(test::Family::riscv, xlen, witness.state, proof);
      CHECK(test::revert_selector(outcome) == selector("UnusedProofBytes(uint256)"));
      CHECK(outcome.data.back() == 32);
    }
    SECTION("the state is tampered with or the wrong size") {
      const std::pair<std::size_t, std::uint8_t> tampered[] = {
          {128, 7},   // status
          {129, 9},   // fault cause
          {130, 2},   // reservation flag
          {131, 48},  // xlen
          {79, 1},    // pc made odd
      };
      for (const auto& [offset, value] : tampered) {
        INFO("byte " << offset);
        Bytes state = witness.state;
        state[offset] = value;
        CHECK_FALSE(cpp_verifier_accepts(xlen, state, witness.proof));
        const auto outcome = chain.step(test::Family::riscv, xlen, state, witness.proof);
        CHECK(test::revert_selector(outcome) == selector("InvalidStateField(uint256)"));
        // stateCommitment checks the state by the same rules.
        CHECK(test::revert_selector(chain.state_commitment(test::Family::riscv, xlen, state)) ==
              selector("InvalidStateField(uint256)"));
      }
      Bytes longer = witness.state;
      longer.push_back(0);
      CHECK(test::revert_selector(chain.step(test::Family::riscv, xlen, longer, witness.proof)) ==
            selector("WrongStateLength(uint256)"));
      CHECK(test::revert_selector(chain.state_commitment(test::Family::riscv, xlen, longer)) ==
            selector("WrongStateLength(uint256)"));
      // A state of the other profile.
      const unsigned other = xlen == 32 ? 64 : 32;
      CHECK(test::revert_selector(
                chain.step(test::Family::riscv, other, witness.state, witness.proof)) ==
            selector("InvalidStateField(uint256)"));
    }
    SECTION("a register over 32 bits in an RV32 state") {
      if (xlen == 32) {
        Bytes state = witness.state;
        state[132 + 8 * 4] = 1;  // x5's top byte
        CHECK_FALSE(cpp_verifier_accepts(xlen, state, witness.proof));
        CHECK(test::revert_selector(chain.step(test::Family::riscv, xlen, state, witness.proof)) ==
              selector("InvalidStateField(uint256)"));
      }
    }
  }
}
