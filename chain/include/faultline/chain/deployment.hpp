// The contracts of onchain games, deployed from forge's artifacts: the preimage oracle, a step
// verifier, the game factory and the identity layer binding; game types registered from a
// dispute::GameConfig, and games created with a root claim. What the example games, the chain
// tests and the benchmarks set up.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "faultline/chain/account.hpp"
#include "faultline/dispute/game_view.hpp"

namespace faultline::chain {

/// Contracts compiled by forge (`forge build --out DIR`): DIR/File.sol/Name.json.
class Artifacts {
 public:
  /// not_found, naming the folder, if `directory` holds no PreimageOracle artifact.
  static Result<Artifacts> open(std::filesystem::path directory);

  /// The creation code of contract `contract` in source file `file` ("DisputeGame.sol").
  [[nodiscard]] Result<Bytes> creation_code(const std::string& file,
                                            const std::string& contract) const;

 private:
  explicit Artifacts(std::filesystem::path directory) : directory_(std::move(directory)) {}
  std::filesystem::path directory_;
};

/// A game the factory created.
struct CreatedGame {
  Address address{};
  std::uint64_t block_number = 0;  ///< where its events start
  std::uint64_t gas_used = 0;
};

/// The shared contracts of a chain's games.
struct Deployment {
  Address oracle{};
  Address factory{};
  Address identity_binding{};

  /// Deploys the preimage oracle, the factory and the identity binding from `deployer`.
  static Result<Deployment> deploy(Account& deployer, const Artifacts& artifacts);

  /// Deploys `contract` of `file` with ABI-encoded constructor arguments.
  static Result<Address> deploy_contract(Account& deployer, const Artifacts& artifacts,
                                         const std::string& file, const std::string& contract,
                                         const Bytes& constructor_arguments = {});

  /// Registers a game type that plays by `config`, its last layer stepped by `verifier`. Each
  /// inner layer is bound by `bindings[i]`, or by the identity binding when `bindings` is
  /// shorter. Returns the type's number.
  Result<std::uint64_t> register_game_type(Account& sender, const Address& verifier,
                                           const dispute::GameConfig& config,
                                           const std::vector<Address>& bindings = {}) const;

  /// Creates a game of `game_type` in which `proposer` claims `root_claim` for the program
  /// input `input_key`, paying the root bond `bond`.
  Result<CreatedGame> create_game(Account& proposer, std::uint64_t game_type,
                                  const Hash& root_claim, const Hash& input_key,
                                  const U256& bond) const;
};

}  // namespace faultline::chain
