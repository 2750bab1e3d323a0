// The bisection game's rules (docs/dispute-game.md).
#include "faultline/dispute/game.hpp"

#include <string>

namespace faultline::dispute {
namespace {

Error rule(const std::string& what) {
  return Error{Errc::invalid_argument, what};
}

}  // namespace

Result<Game> Game::create(const GameConfig& config, const StepVerifier& verifier,
                          const PreimageOracle& oracle, PartyId proposer, const Hash& root_claim,
                          std::uint64_t now) {
  if (auto valid = config.validate(); !valid) return valid.error();
  Game game(config, verifier, oracle);
  Node root;
  root.claimant = proposer;
  root.hi = config.trace_length();
  root.left = config.absolute_prestate;
  root.right = Assertion{root.hi, root_claim, false};
  root.bond = config.base_bond;
  root.created_at = now;
  game.nodes_.push_back(std::move(root));
  game.balances_[proposer] -= static_cast<std::int64_t>(config.base_bond);
  return game;
}

Result<void> Game::check_target(NodeId target, std::uint64_t now) const {
  if (resolved()) return rule("the game is resolved");
  if (target >= nodes_.size()) return rule("node " + std::to_string(target) + " does not exist");
  const Node& node = nodes_[target];
  if (node.is_step) return rule("a step cannot be countered");
  if (node.resolved) return rule("node " + std::to_string(target) + " is resolved");
  if (now < node.created_at) return rule("a move cannot predate the node it counters");
  return {};
}

Result<NodeId> Game::add_counter(PartyId who, NodeId target, unsigned piece, std::uint64_t now,
                                 bool is_step) {
  if (auto valid = check_target(target, now); !valid) return valid.error();
  const Node& parent = nodes_[target];
  const std::vector<Assertion> points = assertions(target);
  if (piece + 1 >= points.size()) {
    return rule("node " + std::to_string(target) + " has " + std::to_string(points.size() - 1) +
                " pieces; piece " + std::to_string(piece) + " is out of range");
  }
  const std::uint64_t lo = points[piece].index;
  const std::uint64_t hi = points[piece + 1].index;
  const bool last_layer = parent.layer + 1 == config_.layer_count();
  const bool single = hi - lo == 1;
  if (is_step != (single && last_layer)) {
    return rule(is_step
                    ? "a step is only possible on a piece of one step of the last layer"
                    : "a piece of one step of the last layer is decided by a step, not a counter");
  }
  std::uint64_t clock = counter_clock(target, now);
  if (clock >= config_.max_clock) return rule("the countering side's clock has run out");
  if (clock > config_.max_clock - config_.clock_extension) {
    clock = config_.max_clock - config_.clock_extension;
  }
  Node node;
  node.parent = target;
  node.claimant = who;
  node.depth = parent.depth + 1;
  node.piece = piece;
  node.layer = parent.layer;
  node.path = parent.path;
  node.lo = lo;
  node.hi = hi;
  node.left = points[piece].value;
  node.right = Assertion{hi, points[piece + 1].value, !points[piece + 1].negated};
  if (single && !last_layer) {
    // Open the next layer over the trace of outer step `lo`, bound to its start and end states.
    const Layer& inner = config_.inner_layers[parent.layer];
    node.layer = parent.layer + 1;
    node.path.push_back(lo);
    node.lo = 0;
    node.hi = config_.layer_length(node.layer);
    node.left = inner.bind_start(node.path, points[piece].value);
    node.right = Assertion{node.hi, inner.bind_end(node.path, points[piece + 1].value),
                           !points[piece + 1].negated};
  }
  node.is_step = is_step;
  node.created_at = now;
  node.clock = clock;
  const auto id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(std::move(node));
  nodes_[target].children.push_back(id);
  return id;
}

Result<NodeId> Game::counter(PartyId who, NodeId target, unsigned piece, std::vector<Hash> points,
                             std::uint64_t bond, std::uint64_t now) {
  if (auto valid = check_target(target, now); !valid) return valid.error();
  const Node& parent = nodes_[target];
  // A counter posts the interior states of its own layer (the next one if it opens it).
  const auto pieces = assertions(target);
  const bool opens = piece + 1 < pieces.size() &&
                     pieces[piece + 1].index - pieces[piece].index == 1 &&
                     parent.layer + 1 < config_.layer_count();
  const unsigned k = config_.layer_arity(parent.layer + (opens ? 1 : 0));
  if (points.size() != k - 1) {
    return rule("a counter posts " + std::to_string(k - 1) + " states, not " +
                std::to_string(points.size()));
  }
  for (const NodeId child : parent.children) {
    const Node& existing = nodes_[child];
    if (existing.piece == piece && existing.points == points) {
      return rule("the same counter was already posted (node " + std::to_string(child) + ")");
    }
  }
  const std::uint64_t required = bond_at_depth(parent.depth + 1);
  if (bond != required) {
    return rule("the bond at depth " + std::to_string(parent.depth + 1) + " is " +
                std::to_string(required) + ", not " + std::to_string(bond));
  }
  auto id = add_counter(who, target, piece, now, false);
  if (!id) return id;
  Node& node = nodes_[*id];
  node.points = std::move(points);
  node.bond = bond;
  balances_[who] -= static_cast<std::int64_t>(bond);
  return id;
}

Result<NodeId> Game::step(PartyId who, NodeId target, unsigned piece, const StepWitness& witness,
                          std::uint64_t now) {
  if (auto valid = check_target(target, now); !valid) return valid.error();
  for (const NodeId child : nodes_[target].children) {
    if (nodes_[child].is_step && nodes_[child].piece == piece) {
      return rule("that piece was already decided by a step (node " + std::to_string(child) + ")");
    }
  }
  const auto points = assertions(target);
  if (piece + 1 < points.size()) {
    if (points[piece + 1].index - points[piece].index != 1 ||
        nodes_[target].layer + 1 != config_.layer_count()) {
      return rule("a step is only possible on a piece of one step of the last layer");
    }
    if (witness.step != points[piece].index) {
      return rule("the witness is for step " + std::to_string(witness.step) +
                  ", the piece is step " + std::to_string(points[piece].index));
    }
    auto post = verify_step(*verifier_, points[piece].value, witness, *oracle_);
    if (!post) return Error{post.error().code, "invalid step: " + post.error().message};
    const Assertion& disputed = points[piece + 1];
    const bool contradicts = disputed.negated ? *post == disputed.value : *post != disputed.value;
    if (!contradicts) return rule("the step agrees with the node it counters");
  }
  auto id = add_counter(who, target, piece, now, true);  // checks the piece's range
  if (!id) return id;
  Node& node = nodes_[*id];
  node.resolved = true;  // a valid step stands; nothing can counter it
  node.bond_recipient = who;
  return id;
}

bool Game::resolve(std::uint64_t now) {
  // Children always come after their parents, so one backward pass is bottom-up.
  for (std::size_t i = nodes_.size(); i-- > 0;) {
    Node& node = nodes_[i];
    if (node.resolved) continue;
    if (counter_clock(static_cast<NodeId>(i), now) < config_.max_clock) continue;
    const Node* first_standing = nullptr;
    bool children_resolved = true;
    for (const NodeId child : node.children) {
      const Node& c = nodes_[child];
      children_resolved = children_resolved && c.resolved;
      if (c.resolved && !c.countered && first_standing == nullptr) first_standing = &c;
    }
    if (!children_resolved) continue;
    node.resolved = true;
    node.countered = first_standing != nullptr;
    node.bond_recipient = node.countered ? first_standing->claimant : node.claimant;
    balances_[node.bond_recipient] += static_cast<std::int64_t>(node.bond);
  }
  return resolved();
}

}  // namespace faultline::dispute
