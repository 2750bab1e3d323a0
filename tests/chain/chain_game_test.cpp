// The same agents that play the in-memory game play the contract on anvil: the honest agent
// wins against every adversary of the simulator, as proposer and as challenger, and the
// contract pays out every bond.
#include <catch2/catch.hpp>

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

}  // namespace

TEST_CASE("the honest agent wins on chain against every adversary, and bonds are paid out",
          "[slow]") {
  test::Chain chain;
  constexpr std::uint64_t kLength = 37, kSeed = 11;
  test::SyntheticTrace truth(kSeed, kLength);
  GameConfig config;
  config.arity = 4;
  config.max_depth = depth_for(kLength, config.arity);
  config.max_clock = 40'000;
  config.clock_extension = 4'000;
  config.base_bond = 1'000'000'000'000'000;  // 0.001 ether
  config.absolute_prestate = *truth.claim_at(0);
  const std::uint64_t game_type = chain.register_type(config);
  for (const Adversary adversary : kAdversaries) {
    for (const bool honest_proposes : {true, false}) {
      INFO(adversary_name(adversary)
           << (honest_proposes ? ", honest proposer" : ", honest challenger"));
      ScenarioOptions options;
      options.adversary = adversary;
      options.lie_at = 1 + kLength / 2;
      options.honest_proposes = honest_proposes;
      auto scenario = Scenario::make(options, config, truth, truth);
      REQUIRE(scenario.ok());
      // The proposer creates the game.
      const std::uint64_t start = chain.latest_time() + 100;
      REQUIRE(chain.rpc.call("evm_setNextBlockTimestamp", Json::array({start})).ok());
      const chain::CreatedGame created =
          chain.create(game_type, scenario->root_claim(), scenario->proposer(), config.base_bond);
      const Address address = created.address;
      ChainGameOptions chain_options;
      chain_options.set_block_time = true;
      chain_options.first_block = created.block_number;
      auto game = ChainGame::open(chain.rpc, address, config, chain_options);
      REQUIRE(game.ok());
      for (const Agent* agent : scenario->agents())
        game->add_party(agent->id(), *chain.accounts[agent->id()]);
      auto result = simulate(*game, scenario->agents(), start, 3600, 200);
      INFO((result.ok() ? std::string() : result.error().message));
      REQUIRE(result.ok());
      CHECK(result->root_stands == honest_proposes);
      CHECK(scenario->honest().rejected_moves() == 0);
      CHECK(result->deepest_counter <= config.max_depth);

      // Every bond paid in is owed to someone; the honest side loses none of its own.
      U256 deposits = 0, owed = 0;
      for (const Node& node : game->nodes())
        deposits += node.bond;
      for (const Agent* agent : scenario->agents())
        owed += *game->credit(agent->id());
      CHECK(owed == deposits);
      U256 honest_deposits = 0;
      for (const Node& node : game->nodes()) {
        if (node.claimant == Scenario::kHonest) honest_deposits += node.bond;
      }
      CHECK(*game->credit(Scenario::kHonest) >= honest_deposits);
      // Everyone claims: the game holds nothing after.
      for (const Agent* agent : scenario->agents()) {
        if (*game->credit(agent->id()) == 0) continue;
        Account& account = *chain.accounts[agent->id()];
        AbiEncoder claim("claimCredit(address)");
        claim.address(account.address());
        REQUIRE(account.send(address, claim.finish()).ok());
      }
      auto balance = chain.rpc.call("eth_getBalance", Json::array({to_hex(address), "latest"}));
      REQUIRE(balance.ok());
      CHECK(*balance == "0x0");
    }
  }
}
