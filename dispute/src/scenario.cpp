// The casts of the simulator's games.
#include "faultline/dispute/scenario.hpp"

#include <algorithm>

namespace faultline::dispute {
namespace {

constexpr std::array<std::string_view, kAdversaries.size()> kNames = {
    "lie-at", "lie-from", "random", "late", "spam", "coalition"};

/// States stride · i of a whole trace: a chunked game's first layer.
class StrideTrace final : public TraceProvider {
 public:
  StrideTrace(TraceProvider& whole, std::uint64_t stride) : whole_(whole), stride_(stride) {}
  Result<Hash> claim_at(std::uint64_t index) override { return whole_.claim_at(index * stride_); }
  Result<StepWitness> witness_at(std::uint64_t) override {
    return Error{Errc::unsupported, "the first layer of a chunked game is not stepped"};
  }

 private:
  TraceProvider& whole_;
  std::uint64_t stride_;
};

/// States offset + i of a whole trace: the trace of one chunk.
class OffsetTrace final : public TraceProvider {
 public:
  OffsetTrace(TraceProvider& whole, std::uint64_t offset) : whole_(whole), offset_(offset) {}
  Result<Hash> claim_at(std::uint64_t index) override { return whole_.claim_at(offset_ + index); }
  Result<StepWitness> witness_at(std::uint64_t index) override {
    return whole_.witness_at(offset_ + index);
  }

 private:
  TraceProvider& whole_;
  std::uint64_t offset_;
};

}  // namespace

Layer chunk_layer(unsigned arity, unsigned max_depth) {
  Layer layer;
  layer.arity = arity;
  layer.max_depth = max_depth;
  layer.bind_start = [](std::span<const std::uint64_t>, const Hash& outer) { return outer; };
  layer.bind_end = [](std::span<const std::uint64_t>, const Hash& outer) { return outer; };
  return layer;
}

TraceAgent::InnerTraces Scenario::inner_traces(TraceProvider& whole, std::uint64_t chunk) {
  if (chunk == 0) return {};
  return [&whole, chunk, chunks = chunks_](std::size_t layer,
                                           std::span<const std::uint64_t> path) -> TraceProvider* {
    if (layer != 1 || path.size() != 1) return nullptr;
    auto& view = (*chunks)[{&whole, path[0]}];
    if (!view) view = std::make_unique<OffsetTrace>(whole, path[0] * chunk);
    return view.get();
  };
}

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
  const std::uint64_t chunk = options.chunk;
  if (chunk != 0 && (config.layer_count() != 2 || config.layer_length(1) != chunk)) {
    return Error{Errc::invalid_argument, "a chunked game has two layers, the second of " +
                                             std::to_string(chunk) + " steps"};
  }
  // Steps of the whole trace the root claim speaks about.
  const std::uint64_t length = config.trace_length() * (chunk == 0 ? 1 : chunk);
  const std::uint64_t lie = options.lie_at;
  if (lie == 0 || lie > length) {
    return Error{Errc::invalid_argument,
                 "the lie must be at a step in [1, " + std::to_string(length) + "]"};
  }
  Scenario scenario;
  // A player's first-layer trace: its whole view, or every chunk-th state of it.
  const auto first_layer = [&](TraceProvider& whole) -> TraceProvider& {
    if (chunk == 0) return whole;
    scenario.first_layer_views_.push_back(std::make_unique<StrideTrace>(whole, chunk));
    return *scenario.first_layer_views_.back();
  };
  const auto liar = [&](PartyId id, LyingTrace::Pattern pattern, std::uint64_t index,
                        TraceAgent::Timing timing, const std::string& name) {
    scenario.views_.push_back(
        std::make_unique<LyingTrace>(adversary_truth, pattern, index, options.seed + id));
    TraceProvider& whole = *scenario.views_.back();
    scenario.adversaries_.push_back(std::make_unique<TraceAgent>(
        id, first_layer(whole), name, timing, scenario.inner_traces(whole, chunk)));
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
  scenario.honest_ =
      std::make_unique<TraceAgent>(kHonest, first_layer(truth), "honest",
                                   TraceAgent::Timing::prompt, scenario.inner_traces(truth, chunk));

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
