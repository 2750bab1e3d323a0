// The bisection game: one k-ary, permissionless dispute over an array of claims, independent
// of what the claims commit to. The rules are written down in docs/dispute-game.md; this class
// is their reference implementation, played in memory.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/dispute/game_view.hpp"
#include "faultline/error.hpp"
#include "faultline/preimage_oracle.hpp"
#include "faultline/step_verifier.hpp"

namespace faultline::dispute {

class Game final : public GameView {
 public:
  /// A game on `root_claim`, posted by `proposer` at time `now` with the root bond.
  /// `verifier` and `oracle` decide steps and must outlive the game.
  static Result<Game> create(const GameConfig& config, const StepVerifier& verifier,
                             const PreimageOracle& oracle, PartyId proposer, const Hash& root_claim,
                             std::uint64_t now);

  [[nodiscard]] const GameConfig& config() const noexcept override { return config_; }
  [[nodiscard]] const std::vector<Node>& nodes() const noexcept override { return nodes_; }
  Result<NodeId> counter(PartyId who, NodeId target, unsigned piece, std::vector<Hash> points,
                         const Wei& bond, std::uint64_t now) override;
  Result<NodeId> step(PartyId who, NodeId target, unsigned piece, const StepWitness& witness,
                      std::uint64_t now) override;
  bool resolve(std::uint64_t now) override;

  /// Net bond flow per party: deposits are negative, payouts positive. Sums to zero once the
  /// game is resolved.
  [[nodiscard]] const std::map<PartyId, SignedWei>& balances() const noexcept { return balances_; }

 private:
  Game(const GameConfig& config, const StepVerifier& verifier, const PreimageOracle& oracle)
      : config_(config), verifier_(&verifier), oracle_(&oracle) {}
  /// The node a counter (or step) on `target`'s piece would post, after the checks every move
  /// makes, in the contract's order: the target's, the piece's, then the clock.
  [[nodiscard]] Result<Node> place(PartyId who, NodeId target, unsigned piece, std::uint64_t now,
                                   bool is_step) const;
  NodeId post(Node node);

  GameConfig config_;
  const StepVerifier* verifier_;
  const PreimageOracle* oracle_;
  std::vector<Node> nodes_;
  std::map<PartyId, SignedWei> balances_;
};

}  // namespace faultline::dispute
