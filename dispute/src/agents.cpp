// Honest and adversarial agents.
#include "faultline/dispute/agents.hpp"

namespace faultline::dispute {

TraceAgent::TraceAgent(PartyId id, TraceProvider& trace, std::string description, Timing timing)
    : Agent(id), trace_(trace), description_(std::move(description)), timing_(timing) {}

Result<Hash> TraceAgent::claim(std::uint64_t index) {
  if (const auto known = known_.find(index); known != known_.end()) return known->second;
  auto claim = trace_.claim_at(index);
  if (claim) known_.emplace(index, *claim);
  return claim;
}

Result<bool> TraceAgent::believes(const Assertion& assertion) {
  auto value = claim(assertion.index);
  if (!value) return value.error();
  return assertion.negated ? *value != assertion.value : *value == assertion.value;
}

bool TraceAgent::already_countered(const Game& game, NodeId target, unsigned piece,
                                   const std::vector<Hash>& points, bool is_step) {
  for (const NodeId child : game.node(target).children) {
    const Node& node = game.node(child);
    if (node.piece == piece && node.is_step == is_step && (is_step || node.points == points)) {
      return true;
    }
  }
  return false;
}

std::size_t TraceAgent::act(Game& game, std::uint64_t now) {
  std::size_t moves = 0;
  const GameConfig& config = game.config();
  for (NodeId id = 0; id < game.nodes().size(); ++id) {
    const Node& node = game.node(id);  // valid until this agent posts (below, once)
    if (node.is_step || node.resolved || node.claimant == this->id() || decided_.contains(id)) {
      continue;
    }
    // A late mover waits until its side's clock is about to run out.
    if (timing_ == Timing::late &&
        game.counter_clock(id, now) + 2 * config.clock_extension < config.max_clock) {
      continue;
    }
    decided_.insert(id);
    const std::vector<Assertion> points = game.assertions(id);
    // One forward pass over the trace for all the node's points (the executor re-runs only
    // from its nearest checkpoint).
    std::vector<std::uint64_t> wanted;
    for (const Assertion& point : points) {
      if (!known_.contains(point.index)) wanted.push_back(point.index);
    }
    if (auto claims = trace_.claims_at(wanted)) {
      for (std::size_t i = 0; i < wanted.size(); ++i)
        known_.emplace(wanted[i], (*claims)[i]);
    }
    // Only a node whose first wrong point follows a right one is worth a counter; one that
    // starts from a wrong state sits under a wrong ancestor that is countered instead.
    auto first_right = believes(points[0]);
    if (!first_right || !*first_right) continue;
    std::size_t wrong = 0;
    for (std::size_t t = 1; t < points.size() && wrong == 0; ++t) {
      auto right = believes(points[t]);
      if (!right) break;
      if (!*right) wrong = t;
    }
    if (wrong == 0) continue;
    const auto piece = static_cast<unsigned>(wrong - 1);
    const std::uint64_t lo = points[piece].index;
    const std::uint64_t hi = points[piece + 1].index;
    Result<NodeId> posted = Error{Errc::invalid_argument, ""};
    if (hi - lo == 1) {
      if (already_countered(game, id, piece, {}, true)) continue;
      auto witness = trace_.witness_at(lo);
      if (!witness) continue;
      posted = game.step(this->id(), id, piece, *witness, now);
    } else {
      std::vector<std::uint64_t> indices;
      for (unsigned t = 1; t < config.arity; ++t)
        indices.push_back(lo + t * (hi - lo) / config.arity);
      auto claims = trace_.claims_at(indices);
      if (!claims) continue;
      for (std::size_t i = 0; i < indices.size(); ++i)
        known_.emplace(indices[i], (*claims)[i]);
      // Someone may already have posted exactly this counter; it serves as well as our own.
      if (already_countered(game, id, piece, *claims, false)) continue;
      posted = game.counter(this->id(), id, piece, std::move(*claims),
                            game.bond_at_depth(node.depth + 1), now);
    }
    if (posted) {
      ++moves;
    } else {
      ++rejected_;
    }
  }
  return moves;
}

SpamAgent::SpamAgent(PartyId id, std::uint64_t seed, std::size_t max_moves_per_round)
    : Agent(id), state_(seed | 1), max_moves_(max_moves_per_round) {}

std::size_t SpamAgent::act(Game& game, std::uint64_t now) {
  std::size_t moves = 0;
  for (NodeId id = 0; id < game.nodes().size() && moves < max_moves_; ++id) {
    // Copies: posting a counter may move the game's nodes.
    const Node& node = game.node(id);
    if (node.is_step || node.resolved || node.claimant == this->id()) continue;
    const std::uint64_t bond = game.bond_at_depth(node.depth + 1);
    const std::size_t pieces = game.assertions(id).size() - 1;
    for (unsigned piece = 0; piece < pieces && moves < max_moves_; ++piece) {
      if (!tried_.insert({id, piece}).second) continue;
      std::vector<Hash> points(game.config().arity - 1);
      for (Hash& point : points) {
        for (auto& byte : point) {
          state_ ^= state_ << 13, state_ ^= state_ >> 7, state_ ^= state_ << 17;
          byte = static_cast<std::uint8_t>(state_);
        }
      }
      // Pieces of one step cannot be spammed: a step must verify.
      if (game.counter(this->id(), id, piece, points, bond, now)) ++moves;
    }
  }
  return moves;
}

LyingTrace::LyingTrace(TraceProvider& truth, Pattern pattern, std::uint64_t index,
                       std::uint64_t seed)
    : truth_(truth), pattern_(pattern), index_(index), seed_(seed) {}

bool LyingTrace::lies(std::uint64_t index) const {
  switch (pattern_) {
    case Pattern::at:
      return index == index_;
    case Pattern::from:
      return index >= index_;
    case Pattern::random: {
      std::uint64_t x = (index + 1) * 0x9e3779b97f4a7c15ull ^ seed_;
      x ^= x >> 31;
      x *= 0xbf58476d1ce4e5b9ull;
      x ^= x >> 29;
      return index != 0 && x % 1000 < index_;  // index_ = lies per thousand
    }
  }
  return false;
}

Result<Hash> LyingTrace::claim_at(std::uint64_t index) {
  auto claim = truth_.claim_at(index);
  if (claim && lies(index)) (*claim)[31] ^= 1;
  return claim;
}

Result<StepWitness> LyingTrace::witness_at(std::uint64_t index) {
  return truth_.witness_at(index);
}

}  // namespace faultline::dispute
