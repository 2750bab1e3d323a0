// Parties that play the bisection game: the honest agent, which answers every wrong claim from
// its trace and never loses a correct one, and adversaries built from lying views of the trace
// and bad habits (moving late, spamming counters).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "faultline/dispute/game_view.hpp"
#include "faultline/trace_provider.hpp"

namespace faultline::dispute {

class Agent {
 public:
  explicit Agent(PartyId id) : id_(id) {}
  virtual ~Agent() = default;
  [[nodiscard]] PartyId id() const noexcept { return id_; }
  /// Makes this party's moves at time `now`; returns how many it made.
  virtual std::size_t act(GameView& game, std::uint64_t now) = 0;
  /// One line for logs ("honest", "lie-at 1234", ...).
  [[nodiscard]] virtual std::string describe() const = 0;

 private:
  PartyId id_;
};

/// Plays by the trace it is given: counters every node whose first wrong point follows a right
/// one, at that piece, with its own states (or a step at the last level). Given the true trace
/// this is the honest strategy of docs/dispute-game.md; given a lying view it is an adversary
/// that believes its lies.
class TraceAgent : public Agent {
 public:
  enum class Timing { prompt, late };
  /// The trace of one step of an outer layer: `layer` >= 1, `path` the step index in every
  /// outer layer. Null if the agent has no view of it.
  using InnerTraces =
      std::function<TraceProvider*(std::size_t layer, std::span<const std::uint64_t> path)>;

  TraceAgent(PartyId id, TraceProvider& trace, std::string description,
             Timing timing = Timing::prompt, InnerTraces inner = {});
  std::size_t act(GameView& game, std::uint64_t now) override;
  [[nodiscard]] std::string describe() const override { return description_; }
  /// Moves rejected by the game (for an honest agent this must stay zero).
  [[nodiscard]] std::size_t rejected_moves() const noexcept { return rejected_; }
  /// Why the game rejected its last rejected move.
  [[nodiscard]] const std::optional<Error>& last_rejection() const noexcept {
    return last_rejection_;
  }

 private:
  /// Where a node's trace indices point: its layer and outer steps.
  struct Where {
    std::size_t layer = 0;
    std::vector<std::uint64_t> path;
    friend bool operator<(const Where& a, const Where& b) {
      return std::tie(a.layer, a.path) < std::tie(b.layer, b.path);
    }
  };
  TraceProvider* trace_for(const Where& where);
  /// This agent's view of the states at `indices` of one layer trace, remembered once asked.
  Result<std::vector<Hash>> claims(const Where& where, const std::vector<std::uint64_t>& indices);
  /// Whether `target` already has this counter (or, for a step, any step) on `piece`.
  static bool already_countered(const GameView& game, NodeId target, unsigned piece,
                                const std::vector<Hash>& points, bool is_step);

  TraceProvider& trace_;
  std::string description_;
  Timing timing_;
  InnerTraces inner_;
  std::set<NodeId> decided_;
  std::map<Where, std::map<std::uint64_t, Hash>> known_;
  std::size_t rejected_ = 0;
  std::optional<Error> last_rejection_;
};

/// Counters every piece of every node of other parties with arbitrary states, as far as bonds
/// and clocks allow (the "open many branches at once" adversary).
class SpamAgent : public Agent {
 public:
  SpamAgent(PartyId id, std::uint64_t seed, std::size_t max_moves_per_round);
  std::size_t act(GameView& game, std::uint64_t now) override;
  [[nodiscard]] std::string describe() const override { return "spam"; }

 private:
  std::uint64_t state_;
  std::size_t max_moves_;
  std::set<std::pair<NodeId, unsigned>> tried_;
};

/// A view of a trace that lies where `lies(index)` says, by flipping a bit of the claim.
/// Witnesses come from the underlying trace (a liar cannot forge a valid step).
class LyingTrace final : public TraceProvider {
 public:
  enum class Pattern { at, from, random };
  LyingTrace(TraceProvider& truth, Pattern pattern, std::uint64_t index, std::uint64_t seed = 0);
  Result<Hash> claim_at(std::uint64_t index) override;
  Result<StepWitness> witness_at(std::uint64_t index) override;

 private:
  bool lies(std::uint64_t index) const;
  TraceProvider& truth_;
  Pattern pattern_;
  std::uint64_t index_;
  std::uint64_t seed_;
};

}  // namespace faultline::dispute
