// The casts of the simulator's games.
#include "faultline/dispute/scenario.hpp"

#include <algorithm>
#include <map>
#include <memory>

namespace faultline::dispute {
namespace {

constexpr std::array<std::string_view, kAdversaries.size()> kNames = {
    "lie-at", "lie-from", "random", "late", "spam", "coalition"};

/// States offset + i · span of a whole trace: one layer's trace in a chunked game.
class LayerView final : public TraceProvider {
 public:
  LayerView(TraceProvider& whole, std::uint64_t offset, std::uint64_t span)
      : whole_(whole), offset_(offset), span_(span) {}
  Result<Hash> claim_at(std::uint64_t index) override {
    return whole_.claim_at(offset_ + index * span_);
  }
  Result<StepWitness> witness_at(std::uint64_t index) override {
    if (span_ != 1) return Error{Errc::unsupported, "only the last layer is stepped"};
    return whole_.witness_at(offset_ + index);
  }

 private:
  TraceProvider& whole_;
  std::uint64_t offset_;
  std::uint64_t span_;
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

struct ChunkedTraces::Views {
  Views(TraceProvider& whole_trace, std::vector<std::uint64_t> layer_spans, std::uint64_t steps)
      : whole(&whole_trace),
        spans(std::move(layer_spans)),
        length(steps),
        first(whole_trace, 0, spans[0]) {}
  TraceProvider* whole;
  std::vector<std::uint64_t> spans;  // whole steps per step of each layer
  std::uint64_t length;
  LayerView first;
  std::map<std::pair<std::size_t, std::vector<std::uint64_t>>, std::unique_ptr<LayerView>> inner;
};

ChunkedTraces::ChunkedTraces(TraceProvider& whole, const GameConfig& config) {
  std::vector<std::uint64_t> spans(config.layer_count(), 1);
  for (std::size_t layer = config.layer_count() - 1; layer > 0; --layer)
    spans[layer - 1] = spans[layer] * config.layer_length(layer);
  const std::uint64_t length = config.trace_length() * spans[0];
  views_ = std::make_shared<Views>(whole, std::move(spans), length);
}

TraceProvider& ChunkedTraces::first_layer() const {
  return views_->first;
}

std::uint64_t ChunkedTraces::whole_length() const noexcept {
  return views_->length;
}

TraceAgent::InnerTraces ChunkedTraces::inner() const {
  if (views_->spans.size() == 1) return {};
  return
      [views = views_](std::size_t layer, std::span<const std::uint64_t> path) -> TraceProvider* {
        if (layer == 0 || layer >= views->spans.size() || path.size() != layer) return nullptr;
        std::uint64_t offset = 0;
        for (std::size_t j = 0; j < layer; ++j)
          offset += path[j] * views->spans[j];
        auto& view = views->inner[{layer, {path.begin(), path.end()}}];
        if (!view) view = std::make_unique<LayerView>(*views->whole, offset, views->spans[layer]);
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
  // A player's traces of each layer, from its view of the whole trace.
  const auto layers = [&](TraceProvider& whole) -> const ChunkedTraces& {
    return scenario.layer_views_.emplace_back(whole, config);
  };
  const auto liar = [&](PartyId id, LyingTrace::Pattern pattern, std::uint64_t index,
                        TraceAgent::Timing timing, const std::string& name) {
    scenario.views_.push_back(
        std::make_unique<LyingTrace>(adversary_truth, pattern, index, options.seed + id));
    const ChunkedTraces& view = layers(*scenario.views_.back());
    scenario.adversaries_.push_back(
        std::make_unique<TraceAgent>(id, view.first_layer(), name, timing, view.inner()));
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
  const ChunkedTraces& honest_view = layers(truth);
  scenario.honest_ = std::make_unique<TraceAgent>(kHonest, honest_view.first_layer(), "honest",
                                                  TraceAgent::Timing::prompt, honest_view.inner());

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
