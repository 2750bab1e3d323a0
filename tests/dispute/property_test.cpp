// Thousands of randomised games: the honest side always wins, bisection takes log_k(N) rounds,
// and bonds are conserved. Also the honest agent against a real RISC-V program's trace.
#include <catch2/catch.hpp>
#include <random>

#include "../riscv/guest_programs.hpp"
#include "faultline/dispute/scenario.hpp"
#include "faultline/dispute/simulator.hpp"
#include "faultline/program_executor.hpp"
#include "synthetic.hpp"

namespace {

using namespace faultline;
using namespace faultline::dispute;

struct Outcome {
  SimulationResult result;
  bool honest_won = false;
  bool conserved = false;
  SignedWei honest_balance = 0;
  std::size_t honest_rejections = 0;
};

/// One game: the honest party is the proposer (true root) or the challenger (false root).
Outcome play(TraceProvider& truth, const StepVerifier& verifier, std::uint64_t length,
             unsigned arity, Adversary adversary, bool honest_proposes, std::mt19937_64& rng) {
  GameConfig config;
  config.arity = arity;
  config.max_depth = depth_for(length, arity);
  config.absolute_prestate = *truth.claim_at(0);
  InMemoryPreimageOracle oracle;
  ScenarioOptions options;
  options.adversary = adversary;
  options.lie_at = 1 + rng() % config.trace_length();
  options.honest_proposes = honest_proposes;
  options.seed = rng();
  auto scenario = Scenario::make(options, config, truth, truth);
  REQUIRE(scenario.ok());
  auto game =
      Game::create(config, verifier, oracle, scenario->proposer(), scenario->root_claim(), 0);
  REQUIRE(game.ok());
  const std::vector<Agent*> agents = scenario->agents();
  auto result = simulate(*game, agents, 0, 3600);
  REQUIRE(result.ok());

  Outcome outcome;
  outcome.result = *result;
  outcome.honest_won = result->root_stands == honest_proposes;
  SignedWei total = 0;
  for (const auto& [party, balance] : game->balances())
    total += balance;
  outcome.conserved = total == 0;
  const PartyId honest = Scenario::kHonest;
  outcome.honest_balance = game->balances().contains(honest) ? game->balances().at(honest) : 0;
  outcome.honest_rejections = scenario->honest().rejected_moves();
  return outcome;
}

}  // namespace

TEST_CASE("the honest side wins every randomised game, rounds are log_k N, bonds conserved",
          "[slow]") {
  test::SyntheticVerifier verifier;
  std::mt19937_64 rng(42);
  int games = 0;
  for (const unsigned arity : {2u, 4u, 8u}) {
    for (int trial = 0; trial < 60; ++trial) {
      // Lengths from 1 to 2^20 + 999, spread on a log scale.
      const std::uint64_t length =
          std::uint64_t{1} << (rng() % 21) | (rng() % 2 ? rng() % 1000 : 0);
      test::SyntheticTrace truth(rng(), length);
      for (const Adversary adversary : kAdversaries) {
        for (const bool honest_proposes : {true, false}) {
          INFO("k=" << arity << " length=" << length << " adversary=" << static_cast<int>(adversary)
                    << " honest proposes=" << honest_proposes);
          const Outcome outcome =
              play(truth, verifier, length, arity, adversary, honest_proposes, rng);
          REQUIRE(outcome.honest_won);
          REQUIRE(outcome.conserved);
          REQUIRE(outcome.honest_balance >= 0);  // honest bonds come back, with winnings
          REQUIRE(outcome.honest_rejections == 0);
          const unsigned depth = depth_for(length, arity);
          CHECK(outcome.result.deepest_counter <= depth);
          if (!honest_proposes && adversary != Adversary::random_lies) {
            // A liar that believes its false root fights to the last level (d counters); a
            // random liar may stop where its own view contradicts itself.
            CHECK(outcome.result.deepest_counter == depth);
          }
          ++games;
        }
      }
    }
  }
  CHECK(games == 3 * 60 * 6 * 2);
}

TEST_CASE("an honest agent defends a real RISC-V program's result from checkpoints") {
  const test::Guest fib = test::load_guest_with_input(64, "fib");
  REQUIRE(fib.program);
  const auto& [backend, program, oracle] = fib;
  ExecutorOptions options;
  options.checkpoint_interval = 256;
  options.max_checkpoints = 1024;
  ProgramExecutor honest_trace(*program, oracle, options);
  ProgramExecutor liar_truth(*program, oracle, options);
  LyingTrace liar_view(liar_truth, LyingTrace::Pattern::from, 12'345);

  GameConfig config;
  config.arity = 4;
  config.max_depth = 8;  // 65,536 steps covers fib's ~22k
  config.absolute_prestate = (*program).absolute_prestate();
  for (const bool honest_proposes : {true, false}) {
    INFO("honest proposes: " << honest_proposes);
    const PartyId proposer = honest_proposes ? 1 : 2;
    TraceProvider& proposer_view =
        honest_proposes ? static_cast<TraceProvider&>(honest_trace) : liar_view;
    auto game = Game::create(config, backend->step_verifier(), *oracle, proposer,
                             *proposer_view.claim_at(config.trace_length()), 0);
    REQUIRE(game.ok());
    TraceAgent honest(1, honest_trace, "honest");
    TraceAgent liar(2, liar_view, "lie-from 12345");
    auto result = simulate(*game, {&honest, &liar}, 0, 3600);
    REQUIRE(result.ok());
    CHECK(result->root_stands == honest_proposes);
    CHECK(honest.rejected_moves() == 0);
  }
  // The honest agent's work stays near one run of the program: checkpoints, not re-runs.
  auto halt = honest_trace.halt_step();
  REQUIRE(halt.has_value());
  CHECK(honest_trace.steps_executed() <= 2 * *halt);
}
