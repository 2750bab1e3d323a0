// The casts of the simulator's games.
#include "faultline/dispute/scenario.hpp"

#include <algorithm>

namespace faultline::dispute {
namespace {

constexpr std::array<std::string_view, kAdversaries.size()> kNames = {
    "lie-at", "lie-from", "random", "late", "spam", "coalition"};

}  // namespace

std::string_view adversary_name(Adversary adversary) noexcept {
  return kNames[static_cast<std::size_t>(adversary)];
}

std::optional<Adversary> parse_adversary(std::string_view name) noexcept {
  for (const Adversary adversary : kAdversaries) {
    if (adversary_name(adversary) == name) return adversary;
  }
  return std::nullopt;
}

unsigned depth_for(std::uint64_t length, unsigned arity) noexcept {
  unsigned depth = 0;
  for (std::uint64_t covered = 1; covered < length; covered *= arity)
    ++depth;
  return depth;
}

Result<Scenario> Scenario::make(const ScenarioOptions& options, const GameConfig& config,
                                TraceProvider& truth, TraceProvider& adversary_truth) {
  const std::uint64_t length = config.trace_length();
  const std::uint64_t lie = options.lie_at;
  if (lie == 0 || lie > length) {
    return Error{Errc::invalid_argument,
                 "the lie must be at a step in [1, " + std::to_string(length) + "]"};
  }
  Scenario scenario;
  const auto liar = [&](PartyId id, LyingTrace::Pattern pattern, std::uint64_t index,
                        TraceAgent::Timing timing, const std::string& name) {
    scenario.views_.push_back(
        std::make_unique<LyingTrace>(adversary_truth, pattern, index, options.seed + id));
    scenario.adversaries_.push_back(
        std::make_unique<TraceAgent>(id, *scenario.views_.back(), name, timing));
  };
  constexpr auto kPrompt = TraceAgent::Timing::prompt;
  constexpr auto kLate = TraceAgent::Timing::late;
  constexpr PartyId kFirst = kProposingAdversary;
  const std::string at = std::to_string(lie);
  switch (options.adversary) {
    case Adversary::lie_at:  // as the proposer, its one lie is the final state it claims
      if (options.honest_proposes) {
        liar(kFirst, LyingTrace::Pattern::at, lie, kPrompt, "lie-at " + at);
      } else {
        liar(kFirst, LyingTrace::Pattern::at, length, kPrompt, "lie-at " + std::to_string(length));
      }
      break;
    case Adversary::lie_from:
      liar(kFirst, LyingTrace::Pattern::from, lie, kPrompt, "lie-from " + at);
      break;
    case Adversary::random_lies:  // lies at 100 steps in 1,000
      liar(kFirst, LyingTrace::Pattern::random, 100, kPrompt, "random lies");
      break;
    case Adversary::late:
      liar(kFirst, LyingTrace::Pattern::from, lie, kLate, "late lie-from " + at);
      break;
    case Adversary::spam:
      liar(kFirst, LyingTrace::Pattern::from, lie, kPrompt, "lie-from " + at);
      scenario.adversaries_.push_back(std::make_unique<SpamAgent>(3, options.seed + 7, 8));
      break;
    case Adversary::coalition: {
      liar(kFirst, LyingTrace::Pattern::from, lie, kPrompt, "lie-from " + at);
      const std::uint64_t third = std::max<std::uint64_t>(1, lie / 3);
      liar(3, LyingTrace::Pattern::at, third, kLate, "late lie-at " + std::to_string(third));
      liar(4, LyingTrace::Pattern::random, 50, kPrompt, "random lies");
      break;
    }
  }
  scenario.honest_ = std::make_unique<TraceAgent>(kHonest, truth, "honest");

  // The proposer posts its view of the final state; a liar that would propose the truth (one
  // that lies only before the end) proposes a lie about the end instead.
  auto honest_root = truth.claim_at(length);
  if (!honest_root) return honest_root.error();
  scenario.root_claim_ = *honest_root;
  scenario.proposer_ = kHonest;
  if (!options.honest_proposes) {
    auto lie_root = scenario.views_.front()->claim_at(length);
    if (!lie_root) return lie_root.error();
    scenario.root_claim_ = *lie_root;
    if (scenario.root_claim_ == *honest_root) scenario.root_claim_[31] ^= 1;
    scenario.proposer_ = kProposingAdversary;
  }
  return scenario;
}

std::vector<Agent*> Scenario::agents() const {
  std::vector<Agent*> all = {honest_.get()};
  for (const auto& adversary : adversaries_)
    all.push_back(adversary.get());
  return all;
}

std::map<PartyId, std::string> Scenario::names() const {
  std::map<PartyId, std::string> names;
  for (const Agent* agent : agents())
    names.emplace(agent->id(), agent->describe());
  return names;
}

}  // namespace faultline::dispute
