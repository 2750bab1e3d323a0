// How agents see and play a dispute game: its parameters, its nodes, and the moves they can
// make. The in-memory Game (game.hpp) implements it, and so does a game on a chain (a mirror of
// the contract's nodes, kept from its events), so the same agents play in both places.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/machine.hpp"

namespace faultline::dispute {

using PartyId = std::uint32_t;
using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = ~NodeId{0};

/// Amounts of ether, in wei. 128 bits: 64 would stop at 18.4 ETH, below what real bond
/// schedules reach (OP's deepest bond is 60 ETH); 2^128 wei is more ether than exists.
using Wei = boost::multiprecision::uint128_t;
/// A flow of wei, deposits negative.
using SignedWei = boost::multiprecision::int128_t;

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
  Wei base_bond = 1'000'000;               ///< bond of the root claim
  unsigned bond_growth_percent = 25;       ///< each depth's bond is this much above the last
  Hash absolute_prestate{};                ///< the agreed state 0

  /// k^d of the first layer: the number of steps the root claim speaks about.
  [[nodiscard]] std::uint64_t trace_length() const noexcept;
  /// Layers in all, the first included.
  [[nodiscard]] std::size_t layer_count() const noexcept { return 1 + inner_layers.size(); }
  [[nodiscard]] unsigned layer_arity(std::size_t layer) const noexcept;
  [[nodiscard]] std::uint64_t layer_length(std::size_t layer) const noexcept;
  /// invalid_argument unless every layer has 2 <= k <= 64 and k^d < 2^62, bindings below the
  /// first, clock_extension < max_clock, and the deepest node's bond fits 128 bits.
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
  Wei bond = 0;
  std::uint64_t created_at = 0;
  std::uint64_t clock = 0;  ///< seconds its side had used on this path when posted
  std::vector<NodeId> children;
  bool resolved = false;
  bool countered = false;      ///< valid once resolved
  PartyId bond_recipient = 0;  ///< valid once resolved
};

/// Why the rules reject a move: the named errors of contracts/src/DisputeGame.sol, word for
/// word. A rejected move's error message starts with the name and a colon.
enum class Rejection : std::uint8_t {
  GameResolved,
  NodeNotFound,
  StepCannotBeCountered,
  NodeResolved,
  MoveBeforeNode,  ///< in memory only: onchain time does not run backwards
  PieceOutOfRange,
  PieceNeedsStep,
  StepNeedsSinglePiece,
  ClockExpired,
  WrongStateCount,
  CounterAlreadyPosted,
  WrongBond,
  PieceAlreadyStepped,
  PreStateNotAgreed,
  InvalidStep,
  StepAgreesWithTarget,
};

[[nodiscard]] std::string_view rejection_name(Rejection rejection) noexcept;
/// The rejection an error message names, if it names one.
[[nodiscard]] std::optional<Rejection> rejection_of(const Error& error) noexcept;

/// base · (100 + g)% applied `depth` times, rounding down each time (the bond at `depth`);
/// nullopt if it does not fit 128 bits.
[[nodiscard]] std::optional<Wei> grown_bond(const Wei& base, unsigned growth_percent,
                                            unsigned depth);

/// A dispute game as its players see it. What the rules derive from the nodes (a node's
/// assertions, the bond at a depth, a side's clock) is computed here, once, from config() and
/// nodes(); implementations hold the nodes and carry out the moves.
class GameView {
 public:
  virtual ~GameView() = default;

  [[nodiscard]] virtual const GameConfig& config() const noexcept = 0;
  /// Every node posted so far, in the order posted: a node's children come after it.
  [[nodiscard]] virtual const std::vector<Node>& nodes() const noexcept = 0;

  /// Counters `target` in its piece `piece` with the k-1 interior states `points`, paying
  /// bond_at_depth(depth of the new node). Errors name the broken rule.
  virtual Result<NodeId> counter(PartyId who, NodeId target, unsigned piece,
                                 std::vector<Hash> points, const Wei& bond, std::uint64_t now) = 0;
  /// Counters a node's piece of one step (of the last layer) by executing that step: the
  /// witness's pre-state must be the agreed state at the piece's start, and the verified
  /// post-state must contradict the target. Steps carry no bond.
  virtual Result<NodeId> step(PartyId who, NodeId target, unsigned piece,
                              const StepWitness& witness, std::uint64_t now) = 0;
  /// Resolves every subgame whose counter window has closed, bottom-up. Returns true once the
  /// root is resolved.
  virtual bool resolve(std::uint64_t now) = 0;

  [[nodiscard]] const Node& node(NodeId id) const { return nodes().at(id); }
  [[nodiscard]] bool resolved() const noexcept { return nodes().front().resolved; }
  /// Valid once resolved(): true if the root claim stands.
  [[nodiscard]] bool root_stands() const noexcept { return !nodes().front().countered; }
  /// The node's assertions at its k+1 points: left, interior points, right. (Root: 2 points.)
  [[nodiscard]] std::vector<Assertion> assertions(NodeId id) const;
  /// Bond of a node at `depth`.
  [[nodiscard]] Wei bond_at_depth(unsigned depth) const;
  /// Seconds the side countering `target` would have used if it moved at `now` (before the
  /// extension); a counter is allowed while this is below max_clock.
  [[nodiscard]] std::uint64_t counter_clock(NodeId target, std::uint64_t now) const;
};

}  // namespace faultline::dispute
