// The Solidity MIPS step verifier on a real EVM (anvil) agrees with the C++ machine and its
// off-chain step verifier on every step of the small example programs and on windows of the
// long ones, and rejects bad witnesses with named errors.
#include <catch2/catch.hpp>

#include "guests.hpp"
#include "step_chain.hpp"

namespace {

using namespace faultline;
using test::Abi;
using test::Family;
using test::StepChain;

struct MipsGuest {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<Program> program;
  std::shared_ptr<InMemoryPreimageOracle> oracle;
};

MipsGuest load(unsigned bits, const char* name, Bytes input = {}) {
  MipsGuest guest{mips::make_backend(bits), nullptr, std::make_shared<InMemoryPreimageOracle>()};
  auto bytes = read_file(test::mips_guest(bits, name));
  REQUIRE(bytes.ok());
  auto program = guest.backend->load(*bytes);
  REQUIRE(program.ok());
  guest.program = std::move(*program);
  guest.oracle->set_program_input(std::move(input));
  return guest;
}

std::uint64_t check_every_step(StepChain& chain, unsigned bits, Machine& machine,
                               const MipsGuest& guest, std::uint64_t limit) {
  std::uint64_t checked = 0;
  while (checked < limit) {
    auto witness = machine.step_with_witness();
    REQUIRE(witness.ok());
    const Hash post = machine.commitment();
    auto off_chain =
        guest.backend->step_verifier().step(witness->state, witness->proof, *guest.oracle);
    REQUIRE(off_chain.ok());
    REQUIRE(*off_chain == post);
    for (const PreimageRead& read : witness->preimages)
      chain.provide(*guest.oracle, read);
    const auto on_chain = chain.step(Family::mips, bits, witness->state, witness->proof);
    INFO("step " << witness->step << ", revert data " << to_hex(on_chain.data));
    REQUIRE_FALSE(on_chain.reverted);
    REQUIRE(on_chain.data == Bytes(post.begin(), post.end()));
    ++checked;
    if (machine.status() != VmStatus::running) break;
  }
  return checked;
}

Bytes selector(const char* signature) {
  return Abi::selector(signature);
}

}  // namespace

TEST_CASE("every step of the small MIPS examples runs the same on the EVM", "[slow]") {
  StepChain& chain = StepChain::shared();
  for (const unsigned bits : {32u, 64u}) {
    for (const char* name : {"fib", "sha256", "fault_illegal", "fault_wild_jump"}) {
      INFO("mips" << bits << " " << name);
      const MipsGuest guest = load(bits, name, Bytes(40, 'x'));
      auto machine = guest.program->start(guest.oracle);
      const std::uint64_t steps = check_every_step(chain, bits, *machine, guest, 10'000'000);
      CHECK(machine->status() != VmStatus::running);
      CHECK(steps == machine->step_count());
      check_every_step(chain, bits, *machine, guest, 1);  // a halted machine stays put
    }
  }
}

TEST_CASE("windows of the long MIPS examples run the same on the EVM", "[slow]") {
  StepChain& chain = StepChain::shared();
  for (const unsigned bits : {32u, 64u}) {
    for (const char* name : {"sort", "matmul"}) {
      INFO("mips" << bits << " " << name);
      const MipsGuest guest = load(bits, name);
      auto machine = guest.program->start(guest.oracle);
      for (int window = 0; window < 4; ++window) {
        REQUIRE(machine->run(3'000'000).ok());
        check_every_step(chain, bits, *machine, guest, 150);
      }
    }
  }
}

TEST_CASE("bad MIPS witnesses revert with named errors on the EVM") {
  StepChain& chain = StepChain::shared();
  for (const unsigned bits : {32u, 64u}) {
    INFO("mips" << bits);
    const MipsGuest guest = load(bits, "fib");
    auto machine = guest.program->start(guest.oracle);
    auto witness = machine->step_with_witness();
    REQUIRE(witness.ok());
    REQUIRE(witness->proof.size() == 32 * (1 + bits - 5));  // the fetch leaf
    REQUIRE_FALSE(chain.step(Family::mips, bits, witness->state, witness->proof).reverted);
    const auto rejects = [&](ByteView state, ByteView proof, const char* error) {
      INFO(error);
      CHECK_FALSE(guest.backend->step_verifier().step(state, proof, *guest.oracle).ok());
      const auto outcome = chain.step(Family::mips, bits, state, proof);
      CHECK(outcome.reverted);
      CHECK(test::revert_selector(outcome) == selector(error));
    };
    Bytes wrong_sibling = witness->proof;
    wrong_sibling[100] ^= 4;
    rejects(witness->state, wrong_sibling, "MemoryProofMismatch(uint256,uint256)");
    const Bytes short_proof(witness->proof.begin(), witness->proof.end() - 1);
    rejects(witness->state, short_proof, "MemoryProofTruncated(uint256)");
    Bytes longer_proof = witness->proof;
    longer_proof.push_back(0);
    rejects(witness->state, longer_proof, "UnusedProofBytes(uint256)");
    for (const std::size_t offset : {176u, 177u, 178u, 179u}) {  // status, cause, flag, bits
      Bytes state = witness->state;
      state[offset] = 9;
      rejects(state, witness->proof, "InvalidStateField(uint256)");
    }
    if (bits == 32) {
      Bytes state = witness->state;
      state[180] = 1;  // r1 over 32 bits
      rejects(state, witness->proof, "InvalidStateField(uint256)");
    }
    Bytes short_state(witness->state.begin(), witness->state.end() - 8);
    rejects(short_state, witness->proof, "WrongStateLength(uint256)");
  }
}
