// The bisection game's rules (docs/dispute-game.md).
#include "faultline/dispute/game.hpp"

#include <string>

namespace faultline::dispute {
namespace {

Error reject(Rejection why, const std::string& what) {
  return Error{Errc::invalid_argument, std::string(rejection_name(why)) + ": " + what};
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
  game.balances_[proposer] -= SignedWei(config.base_bond);
  return game;
}

Result<Node> Game::place(PartyId who, NodeId target, unsigned piece, std::uint64_t now,
                         bool is_step) const {
  if (resolved()) return reject(Rejection::GameResolved, "the game is resolved");
  if (target >= nodes_.size()) {
    return reject(Rejection::NodeNotFound, "node " + std::to_string(target) + " does not exist");
  }
  const Node& parent = nodes_[target];
  if (parent.is_step) return reject(Rejection::StepCannotBeCountered, "a step cannot be countered");
  if (parent.resolved) {
    return reject(Rejection::NodeResolved, "node " + std::to_string(target) + " is resolved");
  }
  if (now < parent.created_at) {
    return reject(Rejection::MoveBeforeNode, "a move cannot predate the node it counters");
  }
  const std::vector<Assertion> points = assertions(target);
  if (piece + 1 >= points.size()) {
    return reject(Rejection::PieceOutOfRange,
                  "node " + std::to_string(target) + " has " + std::to_string(points.size() - 1) +
                      " pieces; piece " + std::to_string(piece) + " is out of range");
  }
  const std::uint64_t lo = points[piece].index;
  const std::uint64_t hi = points[piece + 1].index;
  const bool last_layer = parent.layer + 1 == config_.layer_count();
  const bool single = hi - lo == 1;
  if (!is_step && single && last_layer) {
    return reject(Rejection::PieceNeedsStep,
                  "a piece of one step of the last layer is decided by a step, not a counter");
  }
  if (is_step && !(single && last_layer)) {
    return reject(Rejection::StepNeedsSinglePiece,
                  "a step is only possible on a piece of one step of the last layer");
  }
  std::uint64_t clock = counter_clock(target, now);
  if (clock >= config_.max_clock) {
    return reject(Rejection::ClockExpired, "the countering side's clock has run out");
  }
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
  return node;
}

NodeId Game::post(Node node) {
  const auto id = static_cast<NodeId>(nodes_.size());
  const NodeId parent = node.parent;
  nodes_.push_back(std::move(node));
  nodes_[parent].children.push_back(id);
  return id;
}

Result<NodeId> Game::counter(PartyId who, NodeId target, unsigned piece, std::vector<Hash> points,
                             const Wei& bond, std::uint64_t now) {
  auto node = place(who, target, piece, now, false);
  if (!node) return node.error();
  // A counter posts the interior states of its own layer (the next one if it opens it).
  const unsigned k = config_.layer_arity(node->layer);
  if (points.size() != k - 1) {
    return reject(Rejection::WrongStateCount, "a counter posts " + std::to_string(k - 1) +
                                                  " states, not " + std::to_string(points.size()));
  }
  for (const NodeId child : nodes_[target].children) {
    const Node& existing = nodes_[child];
    if (!existing.is_step && existing.piece == piece && existing.points == points) {
      return reject(Rejection::CounterAlreadyPosted,
                    "the same counter was already posted (node " + std::to_string(child) + ")");
    }
  }
  const Wei required = bond_at_depth(node->depth);
  if (bond != required) {
    return reject(Rejection::WrongBond, "the bond at depth " + std::to_string(node->depth) +
                                            " is " + required.str() + ", not " + bond.str());
  }
  node->points = std::move(points);
  node->bond = bond;
  balances_[who] -= SignedWei(bond);
  return post(std::move(*node));
}

Result<NodeId> Game::step(PartyId who, NodeId target, unsigned piece, const StepWitness& witness,
                          std::uint64_t now) {
  auto node = place(who, target, piece, now, true);
  if (!node) return node.error();
  for (const NodeId child : nodes_[target].children) {
    if (nodes_[child].is_step && nodes_[child].piece == piece) {
      return reject(
          Rejection::PieceAlreadyStepped,
          "that piece was already decided by a step (node " + std::to_string(child) + ")");
    }
  }
  // The witness is bound by its pre-state's commitment, which must be the agreed state at the
  // piece's start: a witness of another step cannot match it.
  const Hash& agreed = node->left;
  auto pre = verifier_->state_commitment(witness.state);
  if (!pre) return reject(Rejection::InvalidStep, "invalid step: " + pre.error().message);
  if (*pre != agreed) {
    return reject(Rejection::PreStateNotAgreed, "the witness's pre-state commits to " +
                                                    to_hex(*pre) + ", not to the agreed " +
                                                    to_hex(agreed));
  }
  // The keccak preimages a witness carries are what a party loads into the onchain oracle
  // before its step: self-authenticating, so the game takes them too.
  auto post_state =
      verifier_->step(witness.state, witness.proof, WitnessPreimages(witness, *oracle_));
  if (!post_state) {
    return reject(Rejection::InvalidStep, "invalid step: " + post_state.error().message);
  }
  const Assertion& disputed = node->right;  // the target's assertion at the piece's end, flipped
  const bool contradicts =
      disputed.negated ? *post_state != disputed.value : *post_state == disputed.value;
  if (!contradicts) {
    return reject(Rejection::StepAgreesWithTarget, "the step agrees with the node it counters");
  }
  node->resolved = true;  // a valid step stands; nothing can counter it
  node->bond_recipient = who;
  return post(std::move(*node));
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
    balances_[node.bond_recipient] += SignedWei(node.bond);
  }
  return resolved();
}

}  // namespace faultline::dispute
