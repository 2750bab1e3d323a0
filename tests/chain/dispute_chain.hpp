// A local chain for the chain tests: anvil with the preimage oracle, the synthetic VM's step
// verifier, the game factory and the identity binding deployed, and the dev accounts.
#pragma once

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "faultline/chain/anvil.hpp"
#include "faultline/chain/chain_game.hpp"
#include "faultline/chain/deployment.hpp"
#include "faultline/file.hpp"

namespace faultline::test {

using chain::AbiDecoder;
using chain::AbiEncoder;
using chain::Account;
using chain::AccountOptions;
using chain::AnvilProcess;
using chain::Json;
using chain::RpcClient;
using dispute::GameConfig;
using dispute::Layer;

/// The contracts built for the tests.
inline const chain::Artifacts& artifacts() {
  static const chain::Artifacts kArtifacts = *chain::Artifacts::open(FAULTLINE_CONTRACTS_OUT);
  return kArtifacts;
}

/// Creation code of a contract built into the test artifacts.
inline Bytes creation_code(const std::string& file, const std::string& contract) {
  auto code = artifacts().creation_code(file, contract);
  REQUIRE(code.ok());
  return *code;
}

/// anvil's funded, unlocked dev accounts.
inline constexpr const char* kAccounts[] = {
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"};

/// Mines anvil's pool by hand (automine off), from its own client, until it goes: a block
/// whenever transactions wait, `before_block` acting on the pool first (a fault: a drop, a
/// replacement). It runs on the miner's thread: no Catch assertions in it.
class HandMiner {
 public:
  HandMiner(const std::string& url, std::function<void(RpcClient&)> before_block)
      : rpc_(*RpcClient::open(url)), before_block_(std::move(before_block)) {
    REQUIRE(rpc_.call("evm_setAutomine", Json::array({false})).ok());
    thread_ = std::thread([this] { run(); });
  }
  HandMiner(const HandMiner&) = delete;
  HandMiner& operator=(const HandMiner&) = delete;
  ~HandMiner() {
    stop_ = true;
    thread_.join();
  }

 private:
  void run() {
    while (!stop_) {
      auto status = rpc_.call("txpool_status", Json::array());
      const auto pending = status.ok() ? chain::quantity((*status)["pending"])
                                       : Result<std::uint64_t>(std::uint64_t{0});
      if (pending.ok() && *pending > 0) {
        before_block_(rpc_);
        (void)rpc_.call("evm_mine", Json::array());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  RpcClient rpc_;
  std::function<void(RpcClient&)> before_block_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct Chain {
  AnvilProcess anvil = std::move(AnvilProcess::start(FAULTLINE_ANVIL).value());
  RpcClient rpc = *RpcClient::open(anvil.url());
  std::vector<std::unique_ptr<Account>> accounts;
  chain::Deployment deployment;
  Address verifier{};

  Chain() {
    AccountOptions options;
    options.errors = chain::dispute_game_errors();
    for (const char* address : kAccounts)
      accounts.push_back(
          std::make_unique<Account>(rpc, *chain::address_from_hex(address), options));
    Account& deployer = *accounts[0];
    auto deployed = chain::Deployment::deploy(deployer, artifacts());
    REQUIRE(deployed.ok());
    deployment = *deployed;
    auto synthetic = chain::Deployment::deploy_contract(
        deployer, artifacts(), "SyntheticStepVerifier.sol", "SyntheticStepVerifier",
        AbiEncoder().address(deployment.oracle).finish());
    REQUIRE(synthetic.ok());
    verifier = *synthetic;
  }

  /// Registers `config` (one layer, or more with identity bindings); returns its type.
  std::uint64_t register_type(const GameConfig& config) {
    auto type = deployment.register_game_type(*accounts[0], verifier, config);
    REQUIRE(type.ok());
    return *type;
  }

  /// Creates a game of `type` with `root_claim`, proposed by `accounts[proposer]`.
  chain::CreatedGame create(std::uint64_t type, const Hash& root_claim, std::size_t proposer,
                            const chain::U256& bond) {
    auto created = deployment.create_game(*accounts[proposer], type, root_claim, Hash{}, bond);
    INFO((created.ok() ? std::string() : created.error().message));
    REQUIRE(created.ok());
    return *created;
  }

  std::uint64_t latest_time() {
    auto block = rpc.call("eth_getBlockByNumber", Json::array({"latest", false}));
    REQUIRE(block.ok());
    return *chain::quantity((*block)["timestamp"]);
  }
};

}  // namespace faultline::test
