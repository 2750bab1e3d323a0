// The in-memory game loop.
#include "faultline/dispute/simulator.hpp"

#include <algorithm>

namespace faultline::dispute {

Result<SimulationResult> simulate(GameView& game, const std::vector<Agent*>& agents,
                                  std::uint64_t start, std::uint64_t round_seconds,
                                  std::uint64_t max_rounds,
                                  const std::function<void(const SimulationResult&)>& each_round) {
  SimulationResult result;
  std::uint64_t now = start;
  while (!game.resolve(now)) {
    if (++result.rounds > max_rounds) {
      return Error{Errc::invalid_argument, "the game did not resolve within the round limit"};
    }
    now += round_seconds;
    for (Agent* agent : agents)
      result.moves += agent->act(game, now);
    if (each_round) each_round(result);
  }
  result.root_stands = game.root_stands();
  result.end_time = now;
  for (const Node& node : game.nodes()) {
    if (!node.is_step) result.deepest_counter = std::max(result.deepest_counter, node.depth);
  }
  return result;
}

}  // namespace faultline::dispute
