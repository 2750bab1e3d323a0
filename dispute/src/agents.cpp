// Honest and adversarial agents.
#include "faultline/dispute/agents.hpp"

namespace faultline::dispute {

TraceAgent::TraceAgent(PartyId id, TraceProvider& trace, std::string description, Timing timing,
                       InnerTraces inner)
    : Agent(id),
      trace_(trace),
      description_(std::move(description)),
      timing_(timing),
      inner_(std::move(inner)) {}

TraceProvider* TraceAgent::trace_for(const Where& where) {
  if (where.layer == 0) return &trace_;
  return inner_ ? inner_(where.layer, where.path) : nullptr;
}

Result<std::vector<Hash>> TraceAgent::claims(const Where& where,
                                             const std::vector<std::uint64_t>& indices) {
  TraceProvider* trace = trace_for(where);
  if (trace == nullptr) return Error{Errc::not_found, "no view of this layer"};
  auto& known = known_[where];
  std::vector<std::uint64_t> wanted;
  for (const std::uint64_t index : indices) {
    if (!known.contains(index)) wanted.push_back(index);
  }
  // One forward pass over the trace for all of them (the executor re-runs only from its
  // nearest checkpoint).
  auto fresh = trace->claims_at(wanted);
  if (!fresh) return fresh.error();
  for (std::size_t i = 0; i < wanted.size(); ++i)
    known.emplace(wanted[i], (*fresh)[i]);
  std::vector<Hash> out;
  out.reserve(indices.size());
  for (const std::uint64_t index : indices)
    out.push_back(known.at(index));
  return out;
}

bool TraceAgent::already_countered(const GameView& game, NodeId target, unsigned piece,
                                   const std::vector<Hash>& points, bool is_step) {
  for (const NodeId child : game.node(target).children) {
    const Node& node = game.node(child);
    if (node.piece == piece && node.is_step == is_step && (is_step || node.points == points)) {
      return true;
    }
  }
  return false;
}

std::size_t TraceAgent::act(GameView& game, std::uint64_t now) {
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
    const Where where{node.layer, node.path};
    const std::vector<Assertion> points = game.assertions(id);
    std::vector<std::uint64_t> indices;
    indices.reserve(points.size());
    for (const Assertion& point : points)
      indices.push_back(point.index);
    auto view = claims(where, indices);
    if (!view) continue;
    const auto believed = [&](std::size_t t) {
      return points[t].negated ? (*view)[t] != points[t].value : (*view)[t] == points[t].value;
    };
    // Only a node whose first wrong point follows a right one is worth a counter; one that
    // starts from a wrong state sits under a wrong ancestor that is countered instead.
    if (!believed(0)) continue;
    std::size_t wrong = 0;
    for (std::size_t t = 1; t < points.size() && wrong == 0; ++t) {
      if (!believed(t)) wrong = t;
    }
    if (wrong == 0) continue;
    const auto piece = static_cast<unsigned>(wrong - 1);
    const std::uint64_t lo = points[piece].index;
    const std::uint64_t hi = points[piece + 1].index;
    const bool last_layer = node.layer + 1 == config.layer_count();
    const Wei bond = game.bond_at_depth(node.depth + 1);
    Result<NodeId> posted = Error{Errc::invalid_argument, ""};
    if (hi - lo == 1 && last_layer) {
      if (already_countered(game, id, piece, {}, true)) continue;
      TraceProvider* trace = trace_for(where);
      auto witness = trace->witness_at(lo);
      if (!witness) continue;
      posted = game.step(this->id(), id, piece, *witness, now);
    } else {
      // Interior states of the piece, or of the whole next layer when the piece is one step.
      Where target = where;
      std::uint64_t from = lo, to = hi;
      if (hi - lo == 1) {
        target.layer += 1;
        target.path.push_back(lo);
        from = 0;
        to = config.layer_length(target.layer);
      }
      const unsigned k = config.layer_arity(target.layer);
      std::vector<std::uint64_t> interior;
      for (unsigned t = 1; t < k; ++t)
        interior.push_back(from + t * (to - from) / k);
      auto states = claims(target, interior);
      if (!states) continue;
      // Someone may already have posted exactly this counter; it serves as well as our own.
      if (already_countered(game, id, piece, *states, false)) continue;
      posted = game.counter(this->id(), id, piece, std::move(*states), bond, now);
    }
    if (posted) {
      ++moves;
    } else {
      ++rejected_;
      last_rejection_ = posted.error();
    }
  }
  return moves;
}

SpamAgent::SpamAgent(PartyId id, std::uint64_t seed, std::size_t max_moves_per_round)
    : Agent(id), state_(seed | 1), max_moves_(max_moves_per_round) {}

std::size_t SpamAgent::act(GameView& game, std::uint64_t now) {
  std::size_t moves = 0;
  for (NodeId id = 0; id < game.nodes().size() && moves < max_moves_; ++id) {
    // Copies: posting a counter may move the game's nodes.
    const Node& node = game.node(id);
    if (node.is_step || node.resolved || node.claimant == this->id()) continue;
    const Wei bond = game.bond_at_depth(node.depth + 1);
    const std::size_t pieces = game.assertions(id).size() - 1;
    for (unsigned piece = 0; piece < pieces && moves < max_moves_; ++piece) {
      if (!tried_.insert({id, piece}).second) continue;
      std::vector<Hash> points(game.config().layer_arity(game.node(id).layer) - 1);
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
