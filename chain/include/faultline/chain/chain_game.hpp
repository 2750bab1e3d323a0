// A dispute game on a chain, seen and played through dispute::GameView: a mirror of the
// DisputeGame contract's nodes (read from its storage views and its events), and moves sent as
// transactions from the parties' accounts. The same agents that play the in-memory Game play
// this one.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "faultline/chain/account.hpp"
#include "faultline/dispute/game_view.hpp"
#include "faultline/preimage_oracle.hpp"

namespace faultline::chain {

/// The named errors of DisputeGame.sol and DisputeGameFactory.sol, to describe their reverts.
[[nodiscard]] std::vector<ContractError> dispute_game_errors();

struct ChainGameOptions {
  /// Mine each move at the time the player gives (anvil's evm_setNextBlockTimestamp), so a
  /// simulation's clocks are the chain's. Off for a real chain, where the block's time rules.
  bool set_block_time = false;
  /// Where steps' preimages come from, to load the parts a step reads into the chain's oracle.
  const PreimageOracle* preimages = nullptr;
  /// The block the game was created in: its events are searched from there on (0: from the
  /// chain's first block, slow on a long chain).
  std::uint64_t first_block = 0;
};

class ChainGame final : public dispute::GameView {
 public:
  /// The game at `game`, which must play by `config` (checked against the contract's
  /// parameters; the bindings of inner layers are `config`'s). `rpc` must outlive it.
  static Result<ChainGame> open(RpcClient& rpc, const Address& game, dispute::GameConfig config,
                                ChainGameOptions options = {});

  /// Moves of party `id` are sent from `account` (which must outlive the game); nodes posted
  /// from its address are shown as `id`'s.
  void add_party(dispute::PartyId id, Account& account);

  [[nodiscard]] const dispute::GameConfig& config() const noexcept override { return config_; }
  [[nodiscard]] const std::vector<dispute::Node>& nodes() const noexcept override { return nodes_; }
  /// A rejected move's error names the contract error (rejection_of() reads it) and says what
  /// the contract reverted with.
  Result<dispute::NodeId> counter(dispute::PartyId who, dispute::NodeId target, unsigned piece,
                                  std::vector<Hash> points, const dispute::Wei& bond,
                                  std::uint64_t now) override;
  Result<dispute::NodeId> step(dispute::PartyId who, dispute::NodeId target, unsigned piece,
                               const StepWitness& witness, std::uint64_t now) override;
  /// Sends resolveNode for every node that may resolve, bottom-up (from the first party's
  /// account). True once the root is resolved.
  bool resolve(std::uint64_t now) override;

  /// Resolves node `id` (its children must be resolved and its window closed), from the first
  /// party's account; sends nothing if it is resolved already.
  Result<void> resolve_node(dispute::NodeId id, std::uint64_t now);

  /// Reads what changed onchain since the last look (new nodes, resolutions).
  Result<void> sync();

  [[nodiscard]] const Address& address() const noexcept { return game_; }
  /// A transaction this game sent.
  struct Sent {
    enum class Kind : std::uint8_t { counter, step, resolve, load_preimage } kind;
    dispute::NodeId node = dispute::kNoNode;  ///< the node posted or resolved
    std::uint64_t gas = 0;
  };
  /// Every transaction this game sent, in order.
  [[nodiscard]] const std::vector<Sent>& sent() const noexcept { return sent_; }
  /// The chain time of the last move or resolution it sent (with set_block_time).
  [[nodiscard]] std::uint64_t last_time() const noexcept { return last_time_; }
  /// A party's credit in the contract, in wei.
  [[nodiscard]] Result<U256> credit(dispute::PartyId party);

 private:
  ChainGame(RpcClient& rpc, const Address& game, dispute::GameConfig config,
            ChainGameOptions options)
      : rpc_(&rpc), game_(game), config_(std::move(config)), options_(options) {}
  [[nodiscard]] Account* reader();
  [[nodiscard]] Result<void> at_time(std::uint64_t now);
  [[nodiscard]] Result<dispute::Node> read_node(dispute::NodeId id);
  [[nodiscard]] std::vector<Hash> claims(dispute::NodeId id) const;
  [[nodiscard]] Error rejected(const Error& error) const;
  [[nodiscard]] dispute::PartyId party_of(const Address& address);

  RpcClient* rpc_;
  Address game_;
  dispute::GameConfig config_;
  ChainGameOptions options_;
  std::map<dispute::PartyId, Account*> accounts_;
  std::map<Address, dispute::PartyId> parties_;
  std::optional<Account> viewer_;  ///< reads views when no party is added yet
  std::vector<dispute::Node> nodes_;
  std::vector<Sent> sent_;
  std::uint64_t last_time_ = 0;
  std::uint64_t synced_block_ = 0;  ///< Resolved events up to this block are applied
};

}  // namespace faultline::chain
