// A local chain for the chain tests: anvil with the preimage oracle, the synthetic VM's step
// verifier, the game factory and the identity binding deployed, and the dev accounts.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "faultline/chain/anvil.hpp"
#include "faultline/chain/chain_game.hpp"
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

/// Creation code of a contract built into the test artifacts.
inline Bytes creation_code(const std::string& file, const std::string& contract) {
  const auto bytes =
      read_file(std::string(FAULTLINE_CONTRACTS_OUT) + "/" + file + "/" + contract + ".json");
  REQUIRE(bytes.ok());
  const auto json = Json::parse(bytes->begin(), bytes->end());
  return *bytes_from_hex(json["bytecode"]["object"].get<std::string>());
}

/// anvil's funded, unlocked dev accounts.
inline constexpr const char* kAccounts[] = {
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"};

struct Chain {
  AnvilProcess anvil = std::move(AnvilProcess::start(FAULTLINE_ANVIL).value());
  RpcClient rpc = *RpcClient::open(anvil.url());
  std::vector<std::unique_ptr<Account>> accounts;
  Address factory{};
  Address verifier{};
  Address identity{};

  Chain() {
    AccountOptions options;
    options.errors = chain::dispute_game_errors();
    for (const char* address : kAccounts)
      accounts.push_back(
          std::make_unique<Account>(rpc, *chain::address_from_hex(address), options));
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
    const auto binding =
        deployer.send(std::nullopt, creation_code("ILayerBinding.sol", "IdentityBinding"));
    REQUIRE(binding.ok());
    identity = *binding->contract_address;
  }

  /// Registers `config` (one layer, or two with identity bindings); returns its type.
  std::uint64_t register_type(const GameConfig& config) {
    std::vector<std::uint64_t> arities = {config.arity};
    std::vector<std::uint64_t> depths = {config.max_depth};
    std::vector<Address> bindings;
    for (const Layer& layer : config.inner_layers) {
      arities.push_back(layer.arity);
      depths.push_back(layer.max_depth);
      bindings.push_back(identity);
    }
    AbiEncoder call(
        "registerGameType((address,bytes32,uint8[],uint8[],address[],uint64,uint64,"
        "uint256,uint256))");
    call.dynamic_tuple(AbiEncoder()
                           .address(verifier)
                           .bytes32(config.absolute_prestate)
                           .uint_array(arities)
                           .uint_array(depths)
                           .address_array(bindings)
                           .uint(config.max_clock)
                           .uint(config.clock_extension)
                           .uint(config.base_bond)
                           .uint(config.bond_growth_percent)
                           .finish());
    REQUIRE(accounts[0]->send(factory, call.finish()).ok());
    auto count = accounts[0]->view(factory, AbiEncoder("gameTypeCount()").finish());
    REQUIRE(count.ok());
    return *AbiDecoder(*count).uint64(0) - 1;
  }

  std::uint64_t latest_time() {
    auto block = rpc.call("eth_getBlockByNumber", Json::array({"latest", false}));
    REQUIRE(block.ok());
    return *chain::quantity((*block)["timestamp"]);
  }
};

}  // namespace faultline::test
