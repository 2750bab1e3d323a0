// The fast executor, the witness recorder and the step verifier agree on every step of the
// example programs: the post-state the verifier computes from the witness alone is the state
// the machine reaches, and running fast reaches the same state.
#include <catch2/catch.hpp>

#include "guest_programs.hpp"

namespace {

using namespace faultline;

/// Steps `count` times with witnesses from `machine`, checking each with the verifier, and
/// keeps `fast` (run without witnesses) in lockstep.
void check_steps(Machine& machine, Machine& fast, const StepVerifier& verifier,
                 const PreimageOracle& oracle, std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) {
    const Hash pre = machine.commitment();
    auto witness = machine.step_with_witness();
    REQUIRE(witness.ok());
    auto post = verify_step(verifier, pre, *witness, oracle);
    INFO("step " << witness->step << ": " << (post ? "" : post.error().message));
    REQUIRE(post.ok());
    REQUIRE(*post == machine.commitment());
    REQUIRE(fast.run(1).ok());
    if (i % 64 == 0 || machine.status() != VmStatus::running) {
      REQUIRE(fast.commitment() == *post);
    }
    if (machine.status() != VmStatus::running) return;
  }
}

}  // namespace

TEST_CASE("every step of the small examples verifies from its witness alone", "[slow]") {
  for (const unsigned xlen : {32u, 64u}) {
    const auto backend = riscv::make_backend(xlen);
    for (const char* name : {"fib", "sha256", "fault_illegal", "fault_wild_jump"}) {
      INFO("riscv" << xlen << " " << name);
      auto program = test::load_guest(*backend, xlen, name);
      REQUIRE(program);
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input(Bytes(100, 'x'));
      auto machine = program->start(oracle);
      auto fast = program->start(oracle);
      check_steps(*machine, *fast, backend->step_verifier(), *oracle, 10'000'000);
      CHECK(machine->status() != VmStatus::running);
      // Steps after the halt repeat the final state.
      check_steps(*machine, *fast, backend->step_verifier(), *oracle, 3);
    }
  }
}

TEST_CASE("windows of steps across the long examples verify", "[slow]") {
  for (const unsigned xlen : {32u, 64u}) {
    const auto backend = riscv::make_backend(xlen);
    for (const char* name : {"sort", "matmul"}) {
      INFO("riscv" << xlen << " " << name);
      auto program = test::load_guest(*backend, xlen, name);
      REQUIRE(program);
      auto oracle = std::make_shared<InMemoryPreimageOracle>();
      oracle->set_program_input({});
      auto machine = program->start(oracle);
      // 8 windows of 500 consecutive steps spread over the first 100M steps.
      for (int window = 0; window < 8; ++window) {
        REQUIRE(machine->run(12'000'000).ok());
        auto fast = machine->snapshot();
        check_steps(*machine, *fast, backend->step_verifier(), *oracle, 500);
      }
    }
  }
}
