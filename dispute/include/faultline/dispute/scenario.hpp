// A game's cast: the honest agent over the true trace against one of the adversaries the
// simulator knows, with the root claim its proposer posts. The CLI's `game simulate`, the
// property tests and games on a chain set up their players here.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/dispute/agents.hpp"
#include "faultline/dispute/game_view.hpp"

namespace faultline::dispute {

/// The adversaries: one liar (a TraceAgent over a LyingTrace) that lies at one step, from one
/// step on, or at random steps; the same liar moving as late as its clock allows; a liar helped
/// by a SpamAgent; and a coalition of three liars.
enum class Adversary : std::uint8_t { lie_at, lie_from, random_lies, late, spam, coalition };
inline constexpr std::array<Adversary, 6> kAdversaries = {
    Adversary::lie_at, Adversary::lie_from, Adversary::random_lies,
    Adversary::late,   Adversary::spam,     Adversary::coalition};

/// "lie-at", "lie-from", "random", "late", "spam", "coalition".
[[nodiscard]] std::string_view adversary_name(Adversary adversary) noexcept;
[[nodiscard]] std::optional<Adversary> parse_adversary(std::string_view name) noexcept;

/// The least d with k^d >= length (a trace of `length` steps fits a game of depth d).
[[nodiscard]] unsigned depth_for(std::uint64_t length, unsigned arity) noexcept;

struct ScenarioOptions {
  Adversary adversary = Adversary::lie_from;
  /// The step the (first) liar lies at or from, in [1, trace_length]. A lie-at liar that
  /// proposes lies at the end instead: its one lie is the final state it claims.
  std::uint64_t lie_at = 1;
  bool honest_proposes = false;
  /// Seeds the random liars and the spammer; the same seed plays the same game.
  std::uint64_t seed = 0;
  /// 0 for a game of one layer over the traces. Otherwise a two-layer game of chunks of this
  /// many steps, then the steps of one chunk (`chunk_layer`, identity bindings): the first
  /// layer's state c is the traces' state c · chunk, and the trace of chunk c is their states
  /// c · chunk … (c + 1) · chunk. `lie_at` then indexes the whole trace.
  std::uint64_t chunk = 0;
};

/// The inner layer of "chunks of instructions → instructions": k^d steps a chunk, both ends
/// bound to the outer states themselves.
[[nodiscard]] Layer chunk_layer(unsigned arity, unsigned max_depth);

/// One whole trace as a player sees it in a game whose inner layers are all chunk layers
/// (`chunk_layer`): the state i of layer l, for outer steps `path`, is the whole trace's state
/// Σ path[j]·span(j) + i·span(l), where span(l) is how many whole steps one step of layer l
/// covers (the lengths of the layers below it multiplied). Only the last layer is stepped.
/// Copies share their views; `whole` must outlive them.
class ChunkedTraces {
 public:
  ChunkedTraces(TraceProvider& whole, const GameConfig& config);
  /// The first layer's trace (the whole trace itself in a one-layer game).
  [[nodiscard]] TraceProvider& first_layer() const;
  /// The traces of the inner layers, for a TraceAgent (none in a one-layer game).
  [[nodiscard]] TraceAgent::InnerTraces inner() const;
  /// Whole steps the root claim speaks about: the first layer's length times its span.
  [[nodiscard]] std::uint64_t whole_length() const noexcept;

 private:
  struct Views;
  std::shared_ptr<Views> views_;
};

class Scenario {
 public:
  static constexpr PartyId kHonest = 1;
  static constexpr PartyId kProposingAdversary = 2;

  /// The cast of `options` for a game of `config`. `truth` is the honest agent's trace;
  /// `adversary_truth` (the same trace, or another provider of it) is what the liars lie
  /// about. Both must outlive the scenario. invalid_argument if lie_at is out of range.
  static Result<Scenario> make(const ScenarioOptions& options, const GameConfig& config,
                               TraceProvider& truth, TraceProvider& adversary_truth);

  /// Who posts the root: the honest agent, or the first liar.
  [[nodiscard]] PartyId proposer() const noexcept { return proposer_; }
  /// The proposer's claim about the final state: the truth, or a lie (never the truth).
  [[nodiscard]] const Hash& root_claim() const noexcept { return root_claim_; }
  /// Every player, the honest agent first, in the order they act each round.
  [[nodiscard]] std::vector<Agent*> agents() const;
  [[nodiscard]] const TraceAgent& honest() const noexcept { return *honest_; }
  /// Each player's description ("honest", "lie-from 500", "spam").
  [[nodiscard]] std::map<PartyId, std::string> names() const;

 private:
  Scenario() = default;
  std::vector<std::unique_ptr<LyingTrace>> views_;
  std::vector<ChunkedTraces> layer_views_;
  std::unique_ptr<TraceAgent> honest_;
  std::vector<std::unique_ptr<Agent>> adversaries_;
  PartyId proposer_ = kHonest;
  Hash root_claim_{};
};

}  // namespace faultline::dispute
