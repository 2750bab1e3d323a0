// Gas of the dispute game contract on anvil: creating a game, counters at each depth for
// k = 2, 4 and 8, the step (over the synthetic VM's verifier, whose own work is a few thousand
// gas), resolutions and claiming credit, and the whole of a single-path dispute over a 2^20-
// and a 2^40-step trace. The honest challenger plays against a proposer that lies from the
// middle on, each move in a block of its own; "step: none" when the liar's last answer was a
// step that failed, so the honest side never had to step. Bonds are priced as OP prices
// its bonds: gas at an assumed 200 gwei, 400,000 gas (0.08 ETH) at the root, growing by the
// least whole percent that makes the deepest counter's bond cover a whole 30 M-gas block (6
// ETH: the costliest thing to answer at the bottom is a step whose preimage fills a block).
// A second table gives the honest challenger's capital on that worst-case single path: the
// bonds it locks, the liar's bonds it wins, and its own gas at 200 gwei. See
// docs/benchmarks.md.
#include <algorithm>
#include <cstdio>
#include <map>

#include "../tests/dispute/synthetic.hpp"
#include "faultline/chain/anvil.hpp"
#include "faultline/chain/chain_game.hpp"
#include "faultline/chain/deployment.hpp"
#include "faultline/dispute/scenario.hpp"
#include "faultline/dispute/simulator.hpp"

namespace {

using namespace faultline;
using namespace faultline::chain;
using namespace faultline::dispute;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "faultline_game_gas: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(Result<T> result, const char* what) {
  if (!result) fail(std::string(what) + ": " + result.error().message);
  return std::move(*result);
}

constexpr const char* kAccounts[] = {"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                                     "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                                     "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"};

struct Figures {
  std::uint64_t create = 0;
  std::map<unsigned, std::uint64_t> counter_by_depth;  // depth -> gas (the first at it)
  std::uint64_t step = 0;
  std::uint64_t resolve_max = 0, resolve_total = 0, resolves = 0;
  std::uint64_t claim = 0;
  std::uint64_t total = 0, transactions = 0;
  U256 honest_bonds = 0;
  U256 honest_won = 0;           // its credit less its own bonds
  std::uint64_t honest_gas = 0;  // its moves, every resolution, its claim
  U256 deepest_bond = 0;
  unsigned growth = 0;
};

constexpr std::uint64_t kGwei = 1'000'000'000;
constexpr std::uint64_t kAssumedGasPrice = 200 * kGwei;  // OP's assumed base fee

double ether(const U256& wei) {
  return static_cast<double>(wei / U256(kGwei)) / 1e9;
}

}  // namespace

int main() {
  AnvilProcess anvil = must(AnvilProcess::start(FAULTLINE_ANVIL), "anvil");
  RpcClient rpc = must(RpcClient::open(anvil.url()), "rpc");
  AccountOptions options;
  options.errors = dispute_game_errors();
  std::vector<std::unique_ptr<Account>> accounts;
  for (const char* address : kAccounts)
    accounts.push_back(std::make_unique<Account>(rpc, *address_from_hex(address), options));
  Account& deployer = *accounts[0];
  const Artifacts artifacts = must(Artifacts::open(FAULTLINE_CONTRACTS_OUT), "artifacts");
  const Deployment deployment = must(Deployment::deploy(deployer, artifacts), "deployment");
  const Address verifier =
      must(Deployment::deploy_contract(deployer, artifacts, "SyntheticStepVerifier.sol",
                                       "SyntheticStepVerifier",
                                       AbiEncoder().address(deployment.oracle).finish()),
           "verifier");

  std::vector<Figures> rows;
  std::printf(
      "| trace | k | d | create | counter at depth 1 | deepest counter | step | "
      "resolve (max) | claim | transactions | total gas |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const unsigned log_length : {20u, 40u}) {
    for (const unsigned arity : {2u, 4u, 8u}) {
      const std::uint64_t length = std::uint64_t{1} << log_length;
      test::SyntheticTrace truth(log_length * 16 + arity, length);
      GameConfig config;
      config.arity = arity;
      config.max_depth = depth_for(length, arity);
      config.max_clock = 302'400;
      config.clock_extension = 10'800;
      config.base_bond = 400'000 * kAssumedGasPrice;
      const Wei block_of_gas = Wei(30'000'000) * kAssumedGasPrice;
      config.bond_growth_percent = 1;
      while (*grown_bond(config.base_bond, config.bond_growth_percent, config.max_depth) <
             block_of_gas)
        ++config.bond_growth_percent;
      config.absolute_prestate = *truth.claim_at(0);
      const std::uint64_t game_type =
          must(deployment.register_game_type(deployer, verifier, config), "register");

      ScenarioOptions cast;
      cast.adversary = Adversary::lie_from;
      cast.lie_at = length / 2 + 1;
      cast.honest_proposes = false;
      auto scenario = must(Scenario::make(cast, config, truth, truth), "scenario");
      auto block = must(rpc.call("eth_getBlockByNumber", Json::array({"latest", false})), "block");
      const std::uint64_t start = *quantity(block["timestamp"]) + 100;
      must(rpc.call("evm_setNextBlockTimestamp", Json::array({start})), "time");
      const CreatedGame created =
          must(deployment.create_game(*accounts[scenario.proposer()], game_type,
                                      scenario.root_claim(), Hash{}, config.base_bond),
               "create");
      Figures figures;
      figures.growth = config.bond_growth_percent;
      figures.deepest_bond =
          U256(*grown_bond(config.base_bond, config.bond_growth_percent, config.max_depth));
      figures.create = created.gas_used;
      const Address address = created.address;
      ChainGameOptions chain_options;
      chain_options.set_block_time = true;
      chain_options.first_block = created.block_number;
      auto game = must(ChainGame::open(rpc, address, config, chain_options), "open");
      for (const Agent* agent : scenario.agents())
        game.add_party(agent->id(), *accounts[agent->id()]);
      const auto result = must(simulate(game, scenario.agents(), start, 3600, 10'000), "game");
      if (result.root_stands) fail("the honest challenger lost");
      for (const auto& sent : game.sent()) {
        const Node& node = game.node(sent.node);
        if (sent.kind == ChainGame::Sent::Kind::counter) {
          figures.counter_by_depth.emplace(node.depth, sent.gas);
        } else if (sent.kind == ChainGame::Sent::Kind::step) {
          figures.step = sent.gas;
        } else if (sent.kind == ChainGame::Sent::Kind::resolve) {
          figures.resolve_max = std::max(figures.resolve_max, sent.gas);
          figures.resolve_total += sent.gas;
          ++figures.resolves;
        }
        if (sent.kind == ChainGame::Sent::Kind::resolve || node.claimant == Scenario::kHonest) {
          figures.honest_gas += sent.gas;
        }
        figures.total += sent.gas;
        ++figures.transactions;
      }
      for (const Node& node : game.nodes()) {
        if (node.claimant == Scenario::kHonest) figures.honest_bonds += U256(node.bond);
      }
      const U256 credit = must(game.credit(Scenario::kHonest), "credit");
      figures.honest_won = credit - figures.honest_bonds;
      AbiEncoder claim("claimCredit(address)");
      claim.address(accounts[Scenario::kHonest]->address());
      figures.claim =
          must(accounts[Scenario::kHonest]->send(address, claim.finish()), "claim").gas_used;
      figures.total += figures.create + figures.claim;
      figures.honest_gas += figures.claim;
      figures.transactions += 2;
      const std::string step = figures.step == 0 ? "none" : std::to_string(figures.step);
      std::printf("| 2^%u | %u | %u | %llu | %llu | %llu | %s | %llu | %llu | %llu | %llu |\n",
                  log_length, arity, config.max_depth,
                  static_cast<unsigned long long>(figures.create),
                  static_cast<unsigned long long>(figures.counter_by_depth.begin()->second),
                  static_cast<unsigned long long>(figures.counter_by_depth.rbegin()->second),
                  step.c_str(), static_cast<unsigned long long>(figures.resolve_max),
                  static_cast<unsigned long long>(figures.claim),
                  static_cast<unsigned long long>(figures.transactions),
                  static_cast<unsigned long long>(figures.total));
      std::fflush(stdout);
      rows.push_back(figures);
    }
  }
  std::printf(
      "\n| trace | k | d | growth | deepest bond (ETH) | honest bonds locked (ETH) | liar bonds "
      "won (ETH) | honest gas | honest gas at 200 gwei (ETH) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  std::size_t row = 0;
  for (const unsigned log_length : {20u, 40u}) {
    for (const unsigned arity : {2u, 4u, 8u}) {
      const Figures& figures = rows[row++];
      std::printf("| 2^%u | %u | %u | %u %% | %.2f | %.3f | %.3f | %llu | %.3f |\n", log_length,
                  arity, depth_for(std::uint64_t{1} << log_length, arity), figures.growth,
                  ether(figures.deepest_bond), ether(figures.honest_bonds),
                  ether(figures.honest_won), static_cast<unsigned long long>(figures.honest_gas),
                  ether(U256(figures.honest_gas) * kAssumedGasPrice));
    }
  }
  return 0;
}
