// The same agents that play the in-memory game play the contract on anvil: the honest agent
// wins against every adversary of the simulator, as proposer and as challenger, and the
// contract pays out every bond.
#include <catch2/catch.hpp>

#include "../dispute/synthetic.hpp"
#include "faultline/chain/anvil.hpp"
#include "faultline/chain/chain_game.hpp"
#include "faultline/dispute/scenario.hpp"
#include "faultline/dispute/simulator.hpp"
#include "faultline/file.hpp"

namespace {

using namespace faultline;
using namespace faultline::chain;
using namespace faultline::dispute;

Bytes creation_code(const std::string& file, const std::string& contract) {
  const auto bytes =
      read_file(std::string(FAULTLINE_CONTRACTS_OUT) + "/" + file + "/" + contract + ".json");
  REQUIRE(bytes.ok());
  const auto json = Json::parse(bytes->begin(), bytes->end());
  return *bytes_from_hex(json["bytecode"]["object"].get<std::string>());
}

/// anvil's funded, unlocked dev accounts.
constexpr const char* kAccounts[] = {
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"};

/// A chain with the oracle, the synthetic VM's verifier and the factory.
struct Chain {
  AnvilProcess anvil = std::move(AnvilProcess::start(FAULTLINE_ANVIL).value());
  RpcClient rpc = *RpcClient::open(anvil.url());
  std::vector<std::unique_ptr<Account>> accounts;
  Address factory{};
  Address verifier{};

  Chain() {
    AccountOptions options;
    options.errors = dispute_game_errors();
    for (const char* address : kAccounts)
      accounts.push_back(std::make_unique<Account>(rpc, *address_from_hex(address), options));
    Account& deployer = *accounts[0];
    const auto oracle =
        deployer.send(std::nullopt, creation_code("PreimageOracle.sol", "PreimageOracle"));
    REQUIRE(oracle.ok());
    Bytes code = creation_code("SyntheticStepVerifier.sol", "SyntheticStepVerifier");
    const Bytes argument = AbiEncoder().address(*oracle->contract_address).finish();
    code.insert(code.end(), argument.begin(), argument.end());
    const auto deployed = deployer.send(std::nullopt, code);
    REQUIRE(deployed.ok());
    verifier = *deployed->contract_address;
    const auto made =
        deployer.send(std::nullopt, creation_code("DisputeGameFactory.sol", "DisputeGameFactory"));
    REQUIRE(made.ok());
    factory = *made->contract_address;
  }

  /// Registers a game type for `config` (one layer); returns its number.
  std::uint64_t register_type(const GameConfig& config) {
    const std::uint64_t arities[] = {config.arity};
    const std::uint64_t depths[] = {config.max_depth};
    const Bytes params = AbiEncoder()
                             .address(verifier)
                             .bytes32(config.absolute_prestate)
                             .uint_array(arities)
                             .uint_array(depths)
                             .address_array({})
                             .uint(config.max_clock)
                             .uint(config.clock_extension)
                             .uint(config.base_bond)
                             .uint(config.bond_growth_percent)
                             .finish();
    AbiEncoder call(
        "registerGameType((address,bytes32,uint8[],uint8[],address[],uint64,uint64,"
        "uint256,uint256))");
    call.dynamic_tuple(params);
    REQUIRE(accounts[0]->send(factory, call.finish()).ok());
    auto count = accounts[0]->view(factory, AbiEncoder("gameTypeCount()").finish());
    REQUIRE(count.ok());
    return *AbiDecoder(*count).uint64(0) - 1;
  }

  std::uint64_t latest_time() {
    auto block = rpc.call("eth_getBlockByNumber", Json::array({"latest", false}));
    REQUIRE(block.ok());
    return *quantity((*block)["timestamp"]);
  }
};

}  // namespace

TEST_CASE("the honest agent wins on chain against every adversary, and bonds are paid out",
          "[slow]") {
  Chain chain;
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
      AbiEncoder create("create(uint256,bytes32,bytes32)");
      create.uint(game_type).bytes32(scenario->root_claim()).bytes32(Hash{});
      Account& proposer = *chain.accounts[scenario->proposer()];
      const auto created = proposer.send(chain.factory, create.finish(), config.base_bond);
      REQUIRE(created.ok());
      const Address address = *AbiDecoder(created->logs.back().topics[2]).address(0);

      ChainGameOptions chain_options;
      chain_options.set_block_time = true;
      chain_options.first_block = created->block_number;
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
