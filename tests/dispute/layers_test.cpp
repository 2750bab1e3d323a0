// Two-layer games: a disputed step of the outer layer opens a game over its own fine trace,
// bound to the outer layer's two states, and the last layer ends in a verified step.
#include <catch2/catch.hpp>

#include "../riscv/guest_programs.hpp"
#include "faultline/dispute/scenario.hpp"
#include "faultline/dispute/simulator.hpp"
#include "faultline/program_executor.hpp"
#include "synthetic.hpp"

namespace {

using namespace faultline;
using namespace faultline::dispute;

/// Every `stride`-th state of a trace: the outer layer over chunks of instructions.
class StridedTrace final : public TraceProvider {
 public:
  StridedTrace(TraceProvider& base, std::uint64_t stride) : base_(base), stride_(stride) {}
  Result<Hash> claim_at(std::uint64_t index) override { return base_.claim_at(index * stride_); }
  Result<StepWitness> witness_at(std::uint64_t) override {
    return Error{Errc::unsupported, "an outer layer has no single steps"};
  }

 private:
  TraceProvider& base_;
  std::uint64_t stride_;
};

/// States [offset, offset + length] of a trace, numbered from 0: one chunk's instructions.
class WindowTrace final : public TraceProvider {
 public:
  WindowTrace(TraceProvider& base, std::uint64_t offset) : base_(base), offset_(offset) {}
  Result<Hash> claim_at(std::uint64_t index) override { return base_.claim_at(offset_ + index); }
  Result<StepWitness> witness_at(std::uint64_t index) override {
    auto witness = base_.witness_at(offset_ + index);
    if (witness) witness->step = index;
    return witness;
  }

 private:
  TraceProvider& base_;
  std::uint64_t offset_;
};

Hash identity(std::span<const std::uint64_t>, const Hash& outer) {
  return outer;
}

/// A counter in `layer` whose pieces are single steps: the bisection reached the bottom.
bool bisected_to_steps(const Game& game, unsigned layer) {
  for (const Node& node : game.nodes()) {
    if (!node.is_step && node.layer == layer &&
        node.hi - node.lo == game.config().layer_arity(layer)) {
      return true;
    }
  }
  return false;
}

bool step_in_layer(const Game& game, unsigned layer) {
  for (const Node& node : game.nodes()) {
    if (node.is_step && node.layer == layer) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("chunks of 1,024 RISC-V instructions, then the instructions of the disputed chunk") {
  constexpr std::uint64_t kChunk = 1024;
  const test::Guest fib = test::load_guest_with_input(64, "fib");
  REQUIRE(fib.program);
  const auto& [backend, program, oracle] = fib;
  ExecutorOptions options;
  options.checkpoint_interval = 256;
  options.max_checkpoints = 1024;

  GameConfig config;
  config.arity = 2;
  config.max_depth = 5;  // 32 chunks cover fib's ~22k instructions
  config.inner_layers.push_back(Layer{4, 5, identity, identity});  // 4^5 = 1,024
  config.absolute_prestate = program->absolute_prestate();
  const std::uint64_t lie_from = 11;  // the liar's chunk states are wrong from chunk 11 on

  for (const bool honest_proposes : {true, false}) {
    INFO("honest proposes: " << honest_proposes);
    ProgramExecutor honest_run(*program, oracle, options), liar_run(*program, oracle, options);
    StridedTrace honest_chunks(honest_run, kChunk), liar_truth(liar_run, kChunk);
    LyingTrace liar_chunks(liar_truth, LyingTrace::Pattern::from, lie_from);
    std::map<std::uint64_t, std::unique_ptr<TraceProvider>> windows;
    std::map<std::uint64_t, std::unique_ptr<TraceProvider>> liar_windows;
    const auto honest_inner = [&](std::size_t,
                                  std::span<const std::uint64_t> path) -> TraceProvider* {
      auto& window = windows[path[0]];
      if (!window) window = std::make_unique<WindowTrace>(honest_run, path[0] * kChunk);
      return window.get();
    };
    // The liar's view of chunk c agrees with its chunk states: it lies at the chunk's end from
    // chunk lie_from - 1 on, and everywhere in later chunks.
    std::vector<std::unique_ptr<TraceProvider>> keep;
    const auto liar_inner = [&](std::size_t,
                                std::span<const std::uint64_t> path) -> TraceProvider* {
      auto& view = liar_windows[path[0]];
      if (!view) {
        keep.push_back(std::make_unique<WindowTrace>(liar_run, path[0] * kChunk));
        const std::uint64_t from = path[0] + 1 < lie_from    ? ~std::uint64_t{0} >> 1
                                   : path[0] + 1 == lie_from ? kChunk
                                                             : 0;
        view = std::make_unique<LyingTrace>(*keep.back(), LyingTrace::Pattern::from, from);
      }
      return view.get();
    };
    TraceAgent honest(1, honest_chunks, "honest", TraceAgent::Timing::prompt, honest_inner);
    TraceAgent liar(2, liar_chunks, "liar", TraceAgent::Timing::prompt, liar_inner);
    TraceProvider& proposer_view =
        honest_proposes ? static_cast<TraceProvider&>(honest_chunks) : liar_chunks;
    auto game = Game::create(config, backend->step_verifier(), *oracle, honest_proposes ? 1 : 2,
                             *proposer_view.claim_at(config.trace_length()), 0);
    REQUIRE(game.ok());
    auto result = simulate(*game, {&honest, &liar}, 0, 3600);
    REQUIRE(result.ok());
    CHECK(result->root_stands == honest_proposes);
    CHECK(honest.rejected_moves() == 0);
    // The dispute went down through both layers to an instruction.
    std::uint64_t disputed_chunk = ~std::uint64_t{0};
    unsigned outer_counters = 0;
    for (const Node& node : game->nodes()) {
      if (node.layer == 1 && !node.path.empty()) disputed_chunk = node.path[0];
      if (node.layer == 0 && node.depth > 0) outer_counters = std::max(outer_counters, node.depth);
    }
    CHECK(disputed_chunk == lie_from - 1);
    CHECK(outer_counters == config.max_depth);
    if (!honest_proposes) CHECK((step_in_layer(*game, 1) || bisected_to_steps(*game, 1)));
  }
}

TEST_CASE("outer steps that are programs of their own (the shape of ML operators)") {
  // Outer state c is a commitment; the program of outer step c is a synthetic VM seeded by that
  // state, whose final state is outer state c + 1.
  constexpr std::uint64_t kInnerLength = 64;  // 2^6
  const auto seed_of = [](const Hash& state) {
    std::uint64_t seed = 0;
    for (int i = 0; i < 8; ++i)
      seed = seed << 8 | state[static_cast<std::size_t>(8 + i)];
    return seed;
  };
  const auto steps_of = [&](const Hash& state) { return 1 + seed_of(state) % kInnerLength; };
  GameConfig config;
  config.arity = 4;
  config.max_depth = 3;  // 64 outer steps
  config.inner_layers.push_back(Layer{2, 6,
                                      [&](std::span<const std::uint64_t>, const Hash& outer) {
                                        return test::synthetic_commitment(seed_of(outer), 0,
                                                                          steps_of(outer));
                                      },
                                      identity});
  std::vector<Hash> outer(config.trace_length() + 1);
  outer[0] = keccak256(as_bytes("model input"));
  for (std::size_t c = 0; c + 1 < outer.size(); ++c) {
    outer[c + 1] =
        test::synthetic_commitment(seed_of(outer[c]), steps_of(outer[c]), steps_of(outer[c]));
  }
  config.absolute_prestate = outer[0];

  class OuterTrace final : public TraceProvider {
   public:
    OuterTrace(const std::vector<Hash>& states) : states_(states) {}
    Result<Hash> claim_at(std::uint64_t index) override {
      return states_.at(std::min<std::size_t>(index, states_.size() - 1));
    }
    Result<StepWitness> witness_at(std::uint64_t) override {
      return Error{Errc::unsupported, "outer"};
    }

   private:
    const std::vector<Hash>& states_;
  };

  test::SyntheticVerifier verifier;
  InMemoryPreimageOracle oracle;
  const std::uint64_t lie_from = 37;
  for (const bool honest_proposes : {true, false}) {
    INFO("honest proposes: " << honest_proposes);
    OuterTrace truth(outer), liar_truth(outer);
    LyingTrace liar_view(liar_truth, LyingTrace::Pattern::from, lie_from);
    std::map<std::uint64_t, std::unique_ptr<TraceProvider>> programs, liar_programs;
    std::vector<std::unique_ptr<TraceProvider>> keep;
    const auto honest_inner = [&](std::size_t,
                                  std::span<const std::uint64_t> path) -> TraceProvider* {
      auto& trace = programs[path[0]];
      if (!trace)
        trace = std::make_unique<test::SyntheticTrace>(seed_of(outer[path[0]]),
                                                       steps_of(outer[path[0]]));
      return trace.get();
    };
    const auto liar_inner = [&](std::size_t,
                                std::span<const std::uint64_t> path) -> TraceProvider* {
      auto& trace = liar_programs[path[0]];
      if (!trace) {
        const Hash start = *liar_view.claim_at(path[0]);
        keep.push_back(std::make_unique<test::SyntheticTrace>(seed_of(start), steps_of(start)));
        const std::uint64_t from = path[0] + 1 == lie_from ? kInnerLength : ~std::uint64_t{0} >> 1;
        trace = std::make_unique<LyingTrace>(*keep.back(), LyingTrace::Pattern::from, from);
      }
      return trace.get();
    };
    TraceAgent honest(1, truth, "honest", TraceAgent::Timing::prompt, honest_inner);
    TraceAgent liar(2, liar_view, "liar", TraceAgent::Timing::prompt, liar_inner);
    TraceProvider& proposer_view = honest_proposes ? static_cast<TraceProvider&>(truth) : liar_view;
    auto game = Game::create(config, verifier, oracle, honest_proposes ? 1 : 2,
                             *proposer_view.claim_at(config.trace_length()), 0);
    REQUIRE(game.ok());
    auto result = simulate(*game, {&honest, &liar}, 0, 3600);
    REQUIRE(result.ok());
    CHECK(result->root_stands == honest_proposes);
    CHECK(honest.rejected_moves() == 0);
    // Down to single steps of one outer step's program (whose node sits at the bottom decides
    // whether a step is needed or the liar simply cannot answer).
    if (!honest_proposes) CHECK(bisected_to_steps(*game, 1));
    SignedWei total = 0;
    for (const auto& [party, balance] : game->balances())
      total += balance;
    CHECK(total == 0);
  }
}

TEST_CASE("layer rules: an outer single step opens the next layer, only the last layer steps") {
  test::SyntheticVerifier verifier;
  InMemoryPreimageOracle oracle;
  GameConfig config;
  config.arity = 2;
  config.max_depth = 1;
  config.inner_layers.push_back(Layer{2, 1, identity, identity});
  CHECK_FALSE(GameConfig{.inner_layers = {Layer{2, 1, {}, identity}}}.validate().ok());
  auto game = Game::create(config, verifier, oracle, 1, Hash{}, 0);
  REQUIRE(game.ok());
  auto first = game->counter(2, 0, 0, {Hash{1}}, game->bond_at_depth(1), 1);
  REQUIRE(first.ok());
  // Piece 0 of node 1 is one outer step: no step here, a counter opens layer 1 instead.
  CHECK_FALSE(game->step(1, *first, 0, StepWitness{}, 2).ok());
  auto opened = game->counter(1, *first, 0, {Hash{2}}, game->bond_at_depth(2), 2);
  REQUIRE(opened.ok());
  const Node& node = game->node(*opened);
  CHECK(node.layer == 1);
  CHECK(node.path == std::vector<std::uint64_t>{0});
  CHECK(node.lo == 0);
  CHECK(node.hi == 2);
}

TEST_CASE("ChunkedTraces: three layers of chunks over one whole trace, and the game over them") {
  // 8 outer steps of 16 whole steps; a middle layer of 4 steps of 4; the last of single steps.
  GameConfig config;
  config.arity = 2;
  config.max_depth = 3;
  config.inner_layers = {chunk_layer(4, 1), chunk_layer(2, 2)};
  test::SyntheticTrace whole(7, 128);
  config.absolute_prestate = *whole.claim_at(0);
  const ChunkedTraces layers(whole, config);
  CHECK(layers.whole_length() == 128);
  CHECK(*layers.first_layer().claim_at(3) == *whole.claim_at(48));
  CHECK_FALSE(layers.first_layer().witness_at(3).ok());  // only the last layer is stepped
  const auto inner = layers.inner();
  const std::uint64_t outer_step[] = {3}, both_steps[] = {3, 2};
  CHECK(*inner(1, outer_step)->claim_at(2) == *whole.claim_at(48 + 8));
  CHECK(*inner(2, both_steps)->claim_at(1) == *whole.claim_at(48 + 8 + 1));
  CHECK(inner(2, both_steps)->witness_at(1)->step == 57);
  CHECK(inner(1, outer_step) == inner(1, outer_step));  // one view per path, kept
  CHECK(inner(2, outer_step) == nullptr);               // a path of the wrong length

  // A liar whose whole trace goes wrong at step 45 loses through all three layers.
  test::SyntheticVerifier verifier;
  InMemoryPreimageOracle oracle;
  LyingTrace lies(whole, LyingTrace::Pattern::from, 45);
  const ChunkedTraces liar_layers(lies, config);
  TraceAgent honest(1, layers.first_layer(), "honest", TraceAgent::Timing::prompt, inner);
  TraceAgent liar(2, liar_layers.first_layer(), "liar", TraceAgent::Timing::prompt,
                  liar_layers.inner());
  auto game = Game::create(config, verifier, oracle, 2,
                           *liar_layers.first_layer().claim_at(config.trace_length()), 0);
  REQUIRE(game.ok());
  auto result = simulate(*game, {&honest, &liar}, 0, 3600);
  REQUIRE(result.ok());
  CHECK_FALSE(result->root_stands);
  CHECK(honest.rejected_moves() == 0);
  CHECK(step_in_layer(*game, 2));
  // The step is at whole step 44 → 45: outer step 2, middle step 3, last-layer step 0.
  for (const Node& node : game->nodes()) {
    if (node.is_step) CHECK(node.path == std::vector<std::uint64_t>{2, 3});
  }
}
