// Plays a whole game in memory: agents take turns every round until every subgame resolves.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "faultline/dispute/agents.hpp"
#include "faultline/dispute/game.hpp"

namespace faultline::dispute {

struct SimulationResult {
  bool root_stands = false;
  std::uint64_t rounds = 0;      ///< rounds played until the root resolved
  std::size_t moves = 0;         ///< counters and steps posted
  unsigned deepest_counter = 0;  ///< the greatest depth of a counter (not a step)
  std::uint64_t end_time = 0;
};

/// Runs `game` from `start`: every `round_seconds` each agent acts in order, then resolvable
/// subgames resolve. Stops when the root is resolved; invalid_argument after `max_rounds`.
/// `each_round`, if set, sees the running tally after every round (for progress displays).
Result<SimulationResult> simulate(
    GameView& game, const std::vector<Agent*>& agents, std::uint64_t start,
    std::uint64_t round_seconds, std::uint64_t max_rounds = 1'000'000,
    const std::function<void(const SimulationResult&)>& each_round = {});

}  // namespace faultline::dispute
