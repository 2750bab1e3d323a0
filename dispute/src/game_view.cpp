// What the rules derive from a game's nodes, and the rules' parameters
// (docs/dispute-game.md).
#include <limits>
#include <string>

#include "faultline/dispute/game_view.hpp"

namespace faultline::dispute {
namespace {

Error rule(const std::string& what) {
  return Error{Errc::invalid_argument, what};
}

constexpr std::string_view kRejections[] = {
    "GameResolved",        "NodeNotFound",      "StepCannotBeCountered", "NodeResolved",
    "MoveBeforeNode",      "PieceOutOfRange",   "PieceNeedsStep",        "StepNeedsSinglePiece",
    "ClockExpired",        "WrongStateCount",   "CounterAlreadyPosted",  "WrongBond",
    "PieceAlreadyStepped", "PreStateNotAgreed", "InvalidStep",           "StepAgreesWithTarget",
};

}  // namespace

std::string_view rejection_name(Rejection rejection) noexcept {
  return kRejections[static_cast<std::size_t>(rejection)];
}

std::optional<Rejection> rejection_of(const Error& error) noexcept {
  const std::string_view message = error.message;
  const std::string_view name = message.substr(0, message.find(':'));
  for (std::size_t i = 0; i < std::size(kRejections); ++i) {
    if (kRejections[i] == name) return static_cast<Rejection>(i);
  }
  return std::nullopt;
}

std::optional<Wei> grown_bond(const Wei& base, unsigned growth_percent, unsigned depth) {
  // floor(b · (100 + g) / 100) without a wider type: with b = 100q + r, it is
  // q · (100 + g) + floor(r · (100 + g) / 100). The contract computes the same in uint256.
  const Wei most = std::numeric_limits<Wei>::max();
  const Wei factor = 100 + growth_percent;
  Wei bond = base;
  for (unsigned i = 0; i < depth; ++i) {
    const Wei quotient = bond / 100, rest = bond % 100 * factor / 100;
    if (quotient > most / factor) return std::nullopt;
    const Wei whole = quotient * factor;
    if (whole > most - rest) return std::nullopt;
    bond = whole + rest;
  }
  return bond;
}

std::uint64_t GameConfig::trace_length() const noexcept {
  return layer_length(0);
}

unsigned GameConfig::layer_arity(std::size_t layer) const noexcept {
  return layer == 0 ? arity : inner_layers[layer - 1].arity;
}

std::uint64_t GameConfig::layer_length(std::size_t layer) const noexcept {
  const unsigned depth = layer == 0 ? max_depth : inner_layers[layer - 1].max_depth;
  std::uint64_t length = 1;
  for (unsigned i = 0; i < depth; ++i)
    length *= layer_arity(layer);
  return length;
}

Result<void> GameConfig::validate() const {
  for (std::size_t layer = 0; layer < layer_count(); ++layer) {
    const unsigned k = layer_arity(layer);
    const unsigned depth = layer == 0 ? max_depth : inner_layers[layer - 1].max_depth;
    const std::string name = "layer " + std::to_string(layer) + ": ";
    if (k < 2 || k > 64) return rule(name + "arity must lie in [2, 64]");
    std::uint64_t length = 1;
    for (unsigned i = 0; i < depth; ++i) {
      if (length > ((std::uint64_t{1} << 62) - 1) / k)
        return rule(name + "arity^max_depth must be below 2^62");
      length *= k;
    }
    if (layer > 0 && (!inner_layers[layer - 1].bind_start || !inner_layers[layer - 1].bind_end)) {
      return rule(name + "needs bind_start and bind_end");
    }
  }
  if (clock_extension >= max_clock) return rule("clock_extension must be below max_clock");
  // The deepest node: every layer's counters, and one more for each layer opened.
  unsigned deepest = 0;
  for (std::size_t layer = 0; layer < layer_count(); ++layer)
    deepest += 1 + (layer == 0 ? max_depth : inner_layers[layer - 1].max_depth);
  if (!grown_bond(base_bond, bond_growth_percent, deepest)) {
    return rule("the bond at depth " + std::to_string(deepest) + " does not fit 128 bits (wei)");
  }
  return {};
}

Wei GameView::bond_at_depth(unsigned depth) const {
  // validate() checked that the bond at the deepest node fits.
  return *grown_bond(config().base_bond, config().bond_growth_percent, depth);
}

std::uint64_t GameView::counter_clock(NodeId target, std::uint64_t now) const {
  const Node& node = nodes().at(target);
  const std::uint64_t used = node.parent == kNoNode ? 0 : nodes()[node.parent].clock;
  return used + (now > node.created_at ? now - node.created_at : 0);
}

std::vector<Assertion> GameView::assertions(NodeId id) const {
  const Node& node = nodes().at(id);
  std::vector<Assertion> out{{node.lo, node.left, false}};
  const std::uint64_t piece = (node.hi - node.lo) / config().layer_arity(node.layer);
  for (std::size_t t = 0; t < node.points.size(); ++t) {
    out.push_back({node.lo + (t + 1) * piece, node.points[t], false});
  }
  out.push_back(node.right);
  return out;
}

}  // namespace faultline::dispute
