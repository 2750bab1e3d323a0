// Thousands of randomised games: the honest side always wins, bisection takes log_k(N) rounds,
// and bonds are conserved. Also the honest agent against a real RISC-V program's trace.
#include <catch2/catch.hpp>
#include <random>

#include "../riscv/guest_programs.hpp"
#include "faultline/dispute/simulator.hpp"
#include "faultline/program_executor.hpp"
#include "synthetic.hpp"

namespace {

using namespace faultline;
using namespace faultline::dispute;

enum class Adversary { lie_at, lie_from, random_lies, late_liar, spam, coalition };
constexpr Adversary kAdversaries[] = {Adversary::lie_at,      Adversary::lie_from,
                                      Adversary::random_lies, Adversary::late_liar,
                                      Adversary::spam,        Adversary::coalition};

unsigned depth_for(std::uint64_t length, unsigned arity) {
  unsigned depth = 0;
  std::uint64_t covered = 1;
  while (covered < length) {
    covered *= arity;
    ++depth;
  }
  return depth;
}

struct Outcome {
  SimulationResult result;
  bool honest_won = false;
  bool conserved = false;
  std::int64_t honest_balance = 0;
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
  const std::uint64_t n = config.trace_length();
  const std::uint64_t lie = 1 + rng() % n;

  std::vector<std::unique_ptr<LyingTrace>> views;
  std::vector<std::unique_ptr<Agent>> adversaries;
  const PartyId honest_id = 1;
  auto liar = [&](PartyId id, LyingTrace::Pattern pattern, std::uint64_t index,
                  TraceAgent::Timing timing) {
    views.push_back(std::make_unique<LyingTrace>(truth, pattern, index, rng()));
    adversaries.push_back(std::make_unique<TraceAgent>(id, *views.back(), "liar", timing));
  };
  switch (adversary) {
    case Adversary::lie_at:
      liar(2, LyingTrace::Pattern::at, honest_proposes ? lie : n, TraceAgent::Timing::prompt);
      break;
    case Adversary::lie_from:
      liar(2, LyingTrace::Pattern::from, lie, TraceAgent::Timing::prompt);
      break;
    case Adversary::random_lies:
      liar(2, LyingTrace::Pattern::random, 200, TraceAgent::Timing::prompt);
      break;
    case Adversary::late_liar:
      liar(2, LyingTrace::Pattern::from, lie, TraceAgent::Timing::late);
      break;
    case Adversary::spam:
      liar(2, LyingTrace::Pattern::from, lie, TraceAgent::Timing::prompt);
      adversaries.push_back(std::make_unique<SpamAgent>(3, rng(), 6));
      break;
    case Adversary::coalition:
      liar(2, LyingTrace::Pattern::from, lie, TraceAgent::Timing::prompt);
      liar(3, LyingTrace::Pattern::at, 1 + rng() % n, TraceAgent::Timing::late);
      liar(4, LyingTrace::Pattern::random, 100, TraceAgent::Timing::prompt);
      break;
  }
  TraceAgent honest(honest_id, truth, "honest");

  // The proposer posts its view of the final state.
  Hash root = *truth.claim_at(n);
  PartyId proposer = honest_id;
  if (!honest_proposes) {
    root[31] ^= 1;
    proposer = 2;
  }
  auto game = Game::create(config, verifier, oracle, proposer, root, 0);
  REQUIRE(game.ok());
  std::vector<Agent*> agents = {&honest};
  for (auto& agent : adversaries)
    agents.push_back(agent.get());
  auto result = simulate(*game, agents, 0, 3600);
  REQUIRE(result.ok());

  Outcome outcome;
  outcome.result = *result;
  outcome.honest_won = result->root_stands == honest_proposes;
  std::int64_t total = 0;
  for (const auto& [party, balance] : game->balances())
    total += balance;
  outcome.conserved = total == 0;
  outcome.honest_balance =
      game->balances().contains(honest_id) ? game->balances().at(honest_id) : 0;
  outcome.honest_rejections = honest.rejected_moves();
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
