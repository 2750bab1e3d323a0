// The contract is the model: randomised games (k = 2, 4, 8, every adversary of the simulator,
// the honest side as proposer and as challenger, one game in four with a second layer of
// chunks of steps) are played through the C++ Game and the
// DisputeGame contract on anvil at once, and every move's acceptance or rejection (with its
// reason), every node (segment, states, clock, bond), every resolution and every payout must
// be the same. FAULTLINE_REPLAY_GAMES sets how many games (default 36).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <sstream>

#include "../dispute/synthetic.hpp"
#include "dispute_chain.hpp"
#include "faultline/chain/anvil.hpp"
#include "faultline/chain/chain_game.hpp"
#include "faultline/dispute/scenario.hpp"
#include "faultline/dispute/simulator.hpp"
#include "faultline/file.hpp"

namespace {

using namespace faultline;
using namespace faultline::chain;
using namespace faultline::dispute;

/// Plays every move on the model and on the contract, at the same time (each move one second
/// after the one before at least, so each has a block of its own), and records where they
/// differ. The players see the model's nodes.
class TwinGame final : public GameView {
 public:
  TwinGame(Game& model, ChainGame& chain, std::uint64_t start)
      : model_(model), chain_(chain), last_(start) {}

  const GameConfig& config() const noexcept override { return model_.config(); }
  const std::vector<Node>& nodes() const noexcept override { return model_.nodes(); }

  Result<NodeId> counter(PartyId who, NodeId target, unsigned piece, std::vector<Hash> points,
                         const Wei& bond, std::uint64_t now) override {
    const std::uint64_t time = tick(now);
    auto expected = model_.counter(who, target, piece, points, bond, time);
    auto actual = chain_.counter(who, target, piece, std::move(points), bond, time);
    compare_move("counter", expected, actual);
    return expected;
  }

  Result<NodeId> step(PartyId who, NodeId target, unsigned piece, const StepWitness& witness,
                      std::uint64_t now) override {
    const std::uint64_t time = tick(now);
    auto expected = model_.step(who, target, piece, witness, time);
    auto actual = chain_.step(who, target, piece, witness, time);
    compare_move("step", expected, actual);
    return expected;
  }

  bool resolve(std::uint64_t now) override {
    const std::uint64_t time = tick(now);
    std::vector<bool> before;
    for (const Node& node : model_.nodes())
      before.push_back(node.resolved);
    model_.resolve(time);
    // The contract resolves the same nodes, bottom-up, one transaction each.
    for (std::size_t i = before.size(); i-- > 0;) {
      if (before[i] || !model_.node(static_cast<NodeId>(i)).resolved) continue;
      if (auto resolved = chain_.resolve_node(static_cast<NodeId>(i), tick(time)); !resolved) {
        disagree("node " + std::to_string(i) +
                 " resolves in the model, onchain: " + resolved.error().message);
      }
    }
    for (NodeId id = 0; id < model_.nodes().size(); ++id)
      compare_node(id);
    return model_.resolved();
  }

  std::vector<std::string> disagreements;
  std::size_t accepted = 0, rejected = 0;

 private:
  std::uint64_t tick(std::uint64_t now) {
    last_ = std::max(now, last_ + 1);
    return last_;
  }

  void disagree(const std::string& what) { disagreements.push_back(what); }

  void compare_move(const char* kind, const Result<NodeId>& expected,
                    const Result<NodeId>& actual) {
    if (expected.ok() != actual.ok()) {
      disagree(std::string(kind) + ": the model " + (expected.ok() ? "accepts" : "rejects") +
               ", the contract " + (actual.ok() ? "accepts" : "rejects: ") +
               (actual.ok() ? "" : actual.error().message) +
               (expected.ok() ? "" : " (model: " + expected.error().message + ")"));
      return;
    }
    if (!expected.ok()) {
      ++rejected;
      const auto model_reason = rejection_of(expected.error());
      const auto chain_reason = rejection_of(actual.error());
      if (!model_reason || model_reason != chain_reason) {
        disagree(std::string(kind) + " rejected for different reasons: model '" +
                 expected.error().message + "', contract '" + actual.error().message + "'");
      }
      return;
    }
    ++accepted;
    if (*expected != *actual) {
      disagree(std::string(kind) + " posted as node " + std::to_string(*expected) +
               " in the model, " + std::to_string(*actual) + " onchain");
      return;
    }
    compare_node(*expected);
  }

  void compare_node(NodeId id) {
    if (id >= chain_.nodes().size()) {
      disagree("node " + std::to_string(id) + " is missing onchain");
      return;
    }
    const Node& a = model_.node(id);
    const Node& b = chain_.node(id);
    std::ostringstream differs;
    const auto field = [&](const char* name, bool same) {
      if (!same) differs << " " << name;
    };
    field("parent", a.parent == b.parent);
    field("claimant", a.claimant == b.claimant);
    field("depth", a.depth == b.depth);
    field("layer", a.layer == b.layer);
    field("path", a.path == b.path);
    field("piece", a.piece == b.piece);
    field("segment", a.lo == b.lo && a.hi == b.hi);
    field("left", a.left == b.left);
    field("points", a.points == b.points);
    field("right", a.right.index == b.right.index && a.right.value == b.right.value &&
                       a.right.negated == b.right.negated);
    field("step", a.is_step == b.is_step);
    field("bond", a.bond == b.bond);
    field("created_at", a.created_at == b.created_at);
    field("clock", a.clock == b.clock);
    field("children", a.children == b.children);
    field("resolved", a.resolved == b.resolved);
    field("countered", !a.resolved || a.countered == b.countered);
    field("bond_recipient", !a.resolved || a.bond_recipient == b.bond_recipient);
    if (!differs.str().empty())
      disagree("node " + std::to_string(id) + " differs in" + differs.str());
  }

  Game& model_;
  ChainGame& chain_;
  std::uint64_t last_;
};

std::size_t games_to_play() {
  const char* games = std::getenv("FAULTLINE_REPLAY_GAMES");
  return games != nullptr ? std::strtoull(games, nullptr, 10) : 36;
}

}  // namespace

TEST_CASE("randomised games play the same in the model and on the contract", "[slow]") {
  test::Chain chain;
  test::SyntheticVerifier verifier;
  InMemoryPreimageOracle oracle;
  std::mt19937_64 rng(2026'12'03);
  const std::size_t games = games_to_play();
  std::size_t accepted = 0, rejected = 0, disagreements = 0;
  for (std::size_t game_index = 0; game_index < games; ++game_index) {
    const unsigned arity = 2u << (game_index % 3);  // 2, 4, 8
    const Adversary adversary = kAdversaries[game_index / 3 % kAdversaries.size()];
    const bool honest_proposes = game_index / 18 % 2 == 0;
    const std::uint64_t length = 1 + rng() % (rng() % 2 == 0 ? 40 : 2000);
    test::SyntheticTrace truth(rng(), length);
    GameConfig config;
    config.arity = arity;
    // One game in four: chunks of 2, 4 or 16 steps, then the steps of the disputed chunk.
    std::uint64_t chunk = 1;
    if (game_index % 4 == 3) {
      const unsigned inner_arity = rng() % 2 == 0 ? 2 : 4;
      const unsigned inner_depth = inner_arity == 4 && rng() % 2 == 0 ? 2 : 1;
      config.inner_layers.push_back(chunk_layer(inner_arity, inner_depth));
      chunk = config.layer_length(1);
    }
    config.max_depth = depth_for((length + chunk - 1) / chunk, arity);
    config.max_clock = 40'000;
    config.clock_extension = 4'000;
    config.base_bond = 1'000'000'000'000;
    config.absolute_prestate = *truth.claim_at(0);
    ScenarioOptions options;
    options.adversary = adversary;
    options.lie_at = 1 + rng() % (config.trace_length() * chunk);
    options.chunk = chunk == 1 ? 0 : chunk;
    options.honest_proposes = honest_proposes;
    options.seed = rng();
    auto scenario = Scenario::make(options, config, truth, truth);
    REQUIRE(scenario.ok());
    INFO("game " << game_index << ": k = " << arity << ", length " << length << ", chunk " << chunk
                 << ", " << adversary_name(adversary)
                 << (honest_proposes ? ", honest proposer" : ", honest challenger"));

    const std::uint64_t game_type = chain.register_type(config);
    const std::uint64_t start = chain.latest_time() + 100;
    REQUIRE(chain.rpc.call("evm_setNextBlockTimestamp", Json::array({start})).ok());
    const chain::CreatedGame created =
        chain.create(game_type, scenario->root_claim(), scenario->proposer(), config.base_bond);
    const Address address = created.address;
    ChainGameOptions chain_options;
    chain_options.set_block_time = true;
    chain_options.first_block = created.block_number;
    auto on_chain = ChainGame::open(chain.rpc, address, config, chain_options);
    REQUIRE(on_chain.ok());
    for (const Agent* agent : scenario->agents())
      on_chain->add_party(agent->id(), *chain.accounts[agent->id()]);
    auto model =
        Game::create(config, verifier, oracle, scenario->proposer(), scenario->root_claim(), start);
    REQUIRE(model.ok());

    TwinGame twin(*model, *on_chain, start);
    auto result = simulate(twin, scenario->agents(), start, 3600, 400);
    REQUIRE(result.ok());
    CHECK(result->root_stands == honest_proposes);
    // Payouts: what the model pays each party is its credit onchain.
    std::map<PartyId, SignedWei> deposits;
    for (const Node& node : model->nodes())
      deposits[node.claimant] += SignedWei(node.bond);
    for (const Agent* agent : scenario->agents()) {
      const auto balance = model->balances().find(agent->id());
      const SignedWei paid = (balance == model->balances().end() ? SignedWei(0) : balance->second) +
                             deposits[agent->id()];
      const auto credit = on_chain->credit(agent->id());
      if (!credit || paid < 0 || *credit != U256(Wei(paid))) {
        twin.disagreements.push_back("party " + std::to_string(agent->id()) + " is paid " +
                                     paid.str() + " by the model");
      }
    }
    for (const std::string& disagreement : twin.disagreements)
      UNSCOPED_INFO(disagreement);
    CHECK(twin.disagreements.empty());
    accepted += twin.accepted;
    rejected += twin.rejected;
    disagreements += twin.disagreements.size();
  }
  WARN(games << " games: " << accepted << " accepted and " << rejected
             << " rejected moves compared, " << disagreements << " disagreements");
  CHECK(rejected > 0);  // rejections were compared too
}
