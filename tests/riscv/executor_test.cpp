// The program executor answers claims and witnesses at any step from checkpoints, with the
// same results as running from scratch, and bounded memory.
#include <catch2/catch.hpp>
#include <random>

#include "faultline/program_executor.hpp"
#include "guest_programs.hpp"

namespace {

using namespace faultline;

Hash commitment_after(const Program& program, std::shared_ptr<const PreimageOracle> oracle,
                      std::uint64_t steps) {
  auto machine = program.start(std::move(oracle));
  REQUIRE(machine->run(steps).ok());
  return machine->commitment();
}

}  // namespace

TEST_CASE("claims from checkpoints equal claims from a fresh run") {
  const test::Guest fib = test::load_guest_with_input(64, "fib");
  REQUIRE(fib.program);
  const auto& [backend, program, oracle] = fib;
  ExecutorOptions options;
  options.checkpoint_interval = 1000;
  options.max_checkpoints = 6;
  ProgramExecutor executor(*program, oracle, options);

  std::mt19937_64 rng(5);
  auto reference = program->start(oracle);
  REQUIRE(reference->run(1'000'000).ok());
  const std::uint64_t halt = reference->step_count();
  std::vector<std::uint64_t> indices = {0, 1, 999, 1000, 1001, halt - 1, halt, halt + 1, 1'000'000};
  for (int i = 0; i < 20; ++i)
    indices.push_back(rng() % (halt + 100));
  for (const std::uint64_t index : indices) {
    INFO("index " << index);
    auto claim = executor.claim_at(index);
    REQUIRE(claim.ok());
    CHECK(*claim == commitment_after(*program, oracle, index));
  }
  REQUIRE(executor.halt_step().has_value());
  CHECK(*executor.halt_step() == halt);
  CHECK(executor.checkpoint_count() <= options.max_checkpoints + 1);

  // Beyond the halt every claim is the final state.
  CHECK(*executor.claim_at(1u << 30) == *executor.claim_at(*executor.halt_step()));

  // Batch queries in one forward pass cost about one run.
  ProgramExecutor batch(*program, oracle, options);
  const auto claims = batch.claims_at(indices);
  REQUIRE(claims.ok());
  for (std::size_t i = 0; i < indices.size(); ++i) {
    CHECK((*claims)[i] == *executor.claim_at(indices[i]));
  }
  CHECK(batch.steps_executed() == *executor.halt_step());
}

TEST_CASE("witnesses from the executor verify between neighbouring claims") {
  for (const unsigned xlen : {32u, 64u}) {
    const auto backend = riscv::make_backend(xlen);
    auto program = test::load_guest(*backend, xlen, "sha256");
    REQUIRE(program);
    auto oracle = std::make_shared<InMemoryPreimageOracle>();
    oracle->set_program_input(Bytes(70, 'a'));
    ExecutorOptions options;
    options.checkpoint_interval = 512;
    ProgramExecutor executor(*program, oracle, options);
    for (const std::uint64_t index : {5000u, 17u, 12000u, 3u, 100'000u}) {
      INFO("RV" << xlen << " step " << index);
      auto pre = executor.claim_at(index);
      REQUIRE(pre.ok());
      auto witness = executor.witness_at(index);
      REQUIRE(witness.ok());
      CHECK(witness->step == index);
      auto post = verify_step(backend->step_verifier(), *pre, *witness, *oracle);
      REQUIRE(post.ok());
      CHECK(*post == *executor.claim_at(index + 1));
    }
  }
}

TEST_CASE("a step verifier rejects tampered witnesses with a named reason") {
  const auto backend = riscv::make_backend(64);
  auto program = test::load_guest(*backend, 64, "fib");
  auto oracle = std::make_shared<InMemoryPreimageOracle>();
  ProgramExecutor executor(*program, oracle);
  const Hash pre = *executor.claim_at(500);
  const StepWitness witness = *executor.witness_at(500);
  const StepVerifier& verifier = backend->step_verifier();
  REQUIRE(verify_step(verifier, pre, witness, *oracle).ok());

  StepWitness wrong_proof = witness;
  wrong_proof.proof[40] ^= 1;
  const auto bad = verify_step(verifier, pre, wrong_proof, *oracle);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::invalid_proof);
  CHECK(bad.error().message.find("memory access 1") != std::string::npos);

  StepWitness short_proof = witness;
  short_proof.proof.resize(short_proof.proof.size() - 1);
  CHECK(verify_step(verifier, pre, short_proof, *oracle).error().code == Errc::malformed_input);

  StepWitness extra_proof = witness;
  extra_proof.proof.resize(extra_proof.proof.size() + 32);
  const auto unused = verify_step(verifier, pre, extra_proof, *oracle);
  REQUIRE_FALSE(unused.ok());
  CHECK(unused.error().message.find("unused") != std::string::npos);

  StepWitness tampered_state = witness;
  tampered_state.state[80] ^= 1;  // the step counter
  CHECK(verify_step(verifier, pre, tampered_state, *oracle).error().code == Errc::invalid_proof);

  StepWitness garbled = witness;
  garbled.state[131] = 48;  // xlen
  CHECK(verifier.step(garbled.state, garbled.proof, *oracle).error().code == Errc::malformed_input);
  CHECK(riscv::make_backend(32)
            ->step_verifier()
            .step(witness.state, witness.proof, *oracle)
            .error()
            .code == Errc::malformed_input);
}

TEST_CASE("snapshots share the guest's output instead of copying it") {
  const test::Guest fib = test::load_guest_with_input(64, "fib");
  REQUIRE(fib.program);
  const auto& [backend, program, oracle] = fib;
  auto machine = program->start(oracle);
  REQUIRE(machine->run(1'000'000).ok());
  const std::uint64_t halt = machine->step_count();
  const Bytes full(machine->output(1).begin(), machine->output(1).end());

  auto original = program->start(oracle);
  REQUIRE(original->run(halt / 2).ok());
  const auto checkpoint = original->snapshot();
  const std::size_t at_checkpoint = checkpoint->output(1).size();
  REQUIRE(at_checkpoint > 0);
  REQUIRE(at_checkpoint < full.size());
  CHECK(checkpoint->output(1).data() == original->output(1).data());

  // The original writes on; the checkpoint's output still ends where it was taken.
  REQUIRE(original->run(halt).ok());
  CHECK(std::ranges::equal(original->output(1), full));
  CHECK(checkpoint->output(1).size() == at_checkpoint);
  CHECK(std::ranges::equal(checkpoint->output(1), ByteView(full).first(at_checkpoint)));

  // Re-running from the checkpoint writes the same bytes, so they stay shared.
  auto resumed = checkpoint->snapshot();
  REQUIRE(resumed->run(halt).ok());
  CHECK(std::ranges::equal(resumed->output(1), full));
  CHECK(resumed->output(1).data() == original->output(1).data());
  CHECK(checkpoint->output(1).size() == at_checkpoint);
}
