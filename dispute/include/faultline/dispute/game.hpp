// The bisection game: one k-ary, permissionless dispute over an array of claims, independent
// of what the claims commit to. The rules are written down in docs/dispute-game.md; this class
// is their reference implementation.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"
#include "faultline/preimage_oracle.hpp"
#include "faultline/step_verifier.hpp"

namespace faultline::dispute {

using PartyId = std::uint32_t;
using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = ~NodeId{0};

/// A layer below the first (split depth, opML's multi-phase games): the trace of one step of
/// the layer above, e.g. the instructions of one chunk, or the VM run of one ML operator.
struct Layer {
  unsigned arity = 2;
  unsigned max_depth = 8;
  /// This layer's state 0 and final state (after k^d steps) for the outer step `path.back()`
  /// (path: the step index in every outer layer), from the outer layer's states at that step's
  /// start and end. Must be injective in the outer state, so a disagreement carries over.
  std::function<Hash(std::span<const std::uint64_t> path, const Hash& outer_state)> bind_start;
  std::function<Hash(std::span<const std::uint64_t> path, const Hash& outer_state)> bind_end;
};

struct GameConfig {
  unsigned arity = 2;      ///< k of the first layer: a move splits a segment into k pieces
  unsigned max_depth = 8;  ///< d of the first layer: its trace has k^d steps
  /// Further layers, outermost first. A piece of one step in a layer that has a layer below is
  /// disputed by opening that layer; in the last layer it is decided by a step.
  std::vector<Layer> inner_layers;
  std::uint64_t max_clock = 302'400;       ///< seconds each side may use on a path (3.5 days)
  std::uint64_t clock_extension = 10'800;  ///< a mover keeps at least this much (3 hours)
  std::uint64_t base_bond = 1'000'000;     ///< bond of the root claim
  unsigned bond_growth_percent = 25;       ///< each depth's bond is this much above the last
  Hash absolute_prestate{};                ///< the agreed state 0

  /// k^d of the first layer: the number of steps the root claim speaks about.
  [[nodiscard]] std::uint64_t trace_length() const noexcept;
  /// Layers in all, the first included.
  [[nodiscard]] std::size_t layer_count() const noexcept { return 1 + inner_layers.size(); }
  [[nodiscard]] unsigned layer_arity(std::size_t layer) const noexcept;
  [[nodiscard]] std::uint64_t layer_length(std::size_t layer) const noexcept;
  /// invalid_argument unless 2 <= k <= 64 and k^d < 2^63.
  [[nodiscard]] Result<void> validate() const;
};

/// What a node says about the state at one trace index: that it equals `value`, or (for the
/// last point of a counter) that it differs from `value`.
struct Assertion {
  std::uint64_t index = 0;
  Hash value{};
  bool negated = false;
};

/// A claim in the game tree. The root says the state after trace_length() steps is `right`.
/// A counter disputes one piece [lo, hi] of its parent: it agrees with the parent's state at
/// lo (`left`), contradicts the parent at hi, and posts its own states at the k-1 points that
/// split [lo, hi] into k equal pieces. A step is a counter of length-1 piece, decided by the
/// step verifier instead of by further counters.
struct Node {
  NodeId parent = kNoNode;
  PartyId claimant = 0;
  unsigned depth = 0;               ///< in the whole tree (bonds grow with it)
  unsigned layer = 0;               ///< whose trace [lo, hi] indexes
  std::vector<std::uint64_t> path;  ///< the outer step of each layer above `layer`
  unsigned piece = 0;               ///< which of the parent's pieces it disputes
  std::uint64_t lo = 0, hi = 0;     ///< the trace indices of its segment
  Hash left{};                      ///< the state it agrees with at lo
  std::vector<Hash> points;         ///< its states at the k-1 interior points
  Assertion right;                  ///< what it says of the state at hi
  bool is_step = false;
  std::uint64_t bond = 0;
  std::uint64_t created_at = 0;
  std::uint64_t clock = 0;  ///< seconds its side had used on this path when posted
  std::vector<NodeId> children;
  bool resolved = false;
  bool countered = false;      ///< valid once resolved
  PartyId bond_recipient = 0;  ///< valid once resolved
};

class Game {
 public:
  /// A game on `root_claim`, posted by `proposer` at time `now` with the root bond.
  /// `verifier` and `oracle` decide steps and must outlive the game.
  static Result<Game> create(const GameConfig& config, const StepVerifier& verifier,
                             const PreimageOracle& oracle, PartyId proposer, const Hash& root_claim,
                             std::uint64_t now);

  /// Counters `target` in its piece `piece` with the k-1 interior states `points`, paying
  /// bond_at_depth(depth of the new node). Errors name the broken rule.
  Result<NodeId> counter(PartyId who, NodeId target, unsigned piece, std::vector<Hash> points,
                         std::uint64_t bond, std::uint64_t now);

  /// Counters a node at the maximum depth by executing the one step of its piece: the
  /// witness's pre-state must be the agreed state at the piece's start, and the verified
  /// post-state must contradict the target. Steps carry no bond.
  Result<NodeId> step(PartyId who, NodeId target, unsigned piece, const StepWitness& witness,
                      std::uint64_t now);

  /// Resolves every subgame whose counter window has closed, bottom-up. Returns true once the
  /// root is resolved.
  bool resolve(std::uint64_t now);

  [[nodiscard]] const GameConfig& config() const noexcept { return config_; }
  [[nodiscard]] const std::vector<Node>& nodes() const noexcept { return nodes_; }
  [[nodiscard]] const Node& node(NodeId id) const { return nodes_.at(id); }
  [[nodiscard]] bool resolved() const noexcept { return nodes_[0].resolved; }
  /// Valid once resolved(): true if the root claim stands.
  [[nodiscard]] bool root_stands() const noexcept { return !nodes_[0].countered; }

  /// The node's assertions at its k+1 points: left, interior points, right. (Root: 2 points.)
  [[nodiscard]] std::vector<Assertion> assertions(NodeId id) const;
  /// Bond of a node at `depth`.
  [[nodiscard]] std::uint64_t bond_at_depth(unsigned depth) const;
  /// Seconds the side countering `target` would have used if it moved at `now` (before the
  /// extension); a counter is allowed while this is below max_clock.
  [[nodiscard]] std::uint64_t counter_clock(NodeId target, std::uint64_t now) const;
  /// Net bond flow per party: deposits are negative, payouts positive. Sums to zero once the
  /// game is resolved.
  [[nodiscard]] const std::map<PartyId, std::int64_t>& balances() const noexcept {
    return balances_;
  }

 private:
  Game(const GameConfig& config, const StepVerifier& verifier, const PreimageOracle& oracle)
      : config_(config), verifier_(&verifier), oracle_(&oracle) {}
  /// The checks every move makes of its target first.
  Result<void> check_target(NodeId target, std::uint64_t now) const;
  Result<NodeId> add_counter(PartyId who, NodeId target, unsigned piece, std::uint64_t now,
                             bool is_step);

  GameConfig config_;
  const StepVerifier* verifier_;
  const PreimageOracle* oracle_;
  std::vector<Node> nodes_;
  std::map<PartyId, std::int64_t> balances_;
};

}  // namespace faultline::dispute
