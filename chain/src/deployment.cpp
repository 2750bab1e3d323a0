// Deploying the game contracts and creating games.
#include "faultline/chain/deployment.hpp"

#include "faultline/file.hpp"

namespace faultline::chain {

Result<Artifacts> Artifacts::open(std::filesystem::path directory) {
  std::error_code ignored;
  if (!std::filesystem::exists(directory / "PreimageOracle.sol" / "PreimageOracle.json", ignored)) {
    return Error{Errc::not_found, "no contract artifacts in " + directory.string() +
                                      " (the output folder of `forge build` over contracts/)"};
  }
  return Artifacts(std::move(directory));
}

Result<Bytes> Artifacts::creation_code(const std::string& file, const std::string& contract) const {
  const std::filesystem::path path = directory_ / file / (contract + ".json");
  auto text = read_file(path.string());
  if (!text) return text.error();
  const Json json = Json::parse(text->begin(), text->end(), nullptr, false);
  const Json* code = nullptr;
  if (json.is_object() && json.contains("bytecode") && json["bytecode"].is_object() &&
      json["bytecode"].contains("object") && json["bytecode"]["object"].is_string()) {
    code = &json["bytecode"]["object"];
  }
  auto bytes = code == nullptr ? std::nullopt : bytes_from_hex(code->get<std::string>());
  if (!bytes || bytes->empty()) {
    return Error{Errc::malformed_input, path.string() + " holds no creation code"};
  }
  return *std::move(bytes);
}

Result<Address> Deployment::deploy_contract(Account& deployer, const Artifacts& artifacts,
                                            const std::string& file, const std::string& contract,
                                            const Bytes& constructor_arguments) {
  auto code = artifacts.creation_code(file, contract);
  if (!code) return code.error();
  code->insert(code->end(), constructor_arguments.begin(), constructor_arguments.end());
  auto receipt = deployer.send(std::nullopt, *code);
  if (!receipt) return Error{receipt.error().code, contract + ": " + receipt.error().message};
  if (!receipt->contract_address) {
    return Error{Errc::io_error, contract + ": the receipt names no contract address"};
  }
  return *receipt->contract_address;
}

Result<Deployment> Deployment::deploy(Account& deployer, const Artifacts& artifacts) {
  Deployment deployment;
  auto oracle = deploy_contract(deployer, artifacts, "PreimageOracle.sol", "PreimageOracle");
  if (!oracle) return oracle.error();
  auto factory =
      deploy_contract(deployer, artifacts, "DisputeGameFactory.sol", "DisputeGameFactory");
  if (!factory) return factory.error();
  auto identity = deploy_contract(deployer, artifacts, "ILayerBinding.sol", "IdentityBinding");
  if (!identity) return identity.error();
  deployment.oracle = *oracle;
  deployment.factory = *factory;
  deployment.identity_binding = *identity;
  return deployment;
}

Result<std::uint64_t> Deployment::register_game_type(Account& sender, const Address& verifier,
                                                     const dispute::GameConfig& config,
                                                     const std::vector<Address>& bindings) const {
  std::vector<std::uint64_t> arities = {config.arity};
  std::vector<std::uint64_t> depths = {config.max_depth};
  std::vector<Address> layer_bindings;
  for (std::size_t i = 0; i < config.inner_layers.size(); ++i) {
    arities.push_back(config.inner_layers[i].arity);
    depths.push_back(config.inner_layers[i].max_depth);
    layer_bindings.push_back(i < bindings.size() ? bindings[i] : identity_binding);
  }
  AbiEncoder call(
      "registerGameType((address,bytes32,uint8[],uint8[],address[],uint64,uint64,uint256,"
      "uint256))");
  call.dynamic_tuple(AbiEncoder()
                         .address(verifier)
                         .bytes32(config.absolute_prestate)
                         .uint_array(arities)
                         .uint_array(depths)
                         .address_array(layer_bindings)
                         .uint(config.max_clock)
                         .uint(config.clock_extension)
                         .uint(config.base_bond)
                         .uint(config.bond_growth_percent)
                         .finish());
  auto receipt = sender.send(factory, call.finish());
  if (!receipt) return receipt.error();
  const Hash registered = event_topic("GameTypeRegistered(uint256,address)");
  for (const Log& log : receipt->logs) {
    if (log.address == factory && log.topics.size() == 2 && log.topics[0] == registered) {
      return AbiDecoder(log.topics[1]).uint64(0);
    }
  }
  return Error{Errc::io_error, "registerGameType: no GameTypeRegistered event in the receipt"};
}

Result<CreatedGame> Deployment::create_game(Account& proposer, std::uint64_t game_type,
                                            const Hash& root_claim, const Hash& input_key,
                                            const U256& bond) const {
  AbiEncoder create("create(uint256,bytes32,bytes32)");
  create.uint(game_type).bytes32(root_claim).bytes32(input_key);
  auto receipt = proposer.send(factory, create.finish(), bond);
  if (!receipt) return receipt.error();
  const Hash created = event_topic("GameCreated(uint256,address,address,bytes32,bytes32)");
  for (const Log& log : receipt->logs) {
    if (log.address == factory && log.topics.size() == 4 && log.topics[0] == created) {
      auto game = AbiDecoder(log.topics[2]).address(0);
      if (!game) return game.error();
      return CreatedGame{*game, receipt->block_number, receipt->gas_used};
    }
  }
  return Error{Errc::io_error, "create: no GameCreated event in the receipt"};
}

}  // namespace faultline::chain
