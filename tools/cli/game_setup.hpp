// What `game simulate` and `game play` share: their common options, and a game's set-up from
// them (the program, its input, the honest and the adversaries' traces, the configuration and
// the cast).
#pragma once

#include <boost/program_options.hpp>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "faultline/backend.hpp"
#include "faultline/cli/cli.hpp"
#include "faultline/dispute/scenario.hpp"
#include "faultline/program_executor.hpp"
#include "progress.hpp"

namespace faultline::cli {

/// The options of both game commands: backend, program, input, arity, chunk, adversary, lie
/// step, honest role, step limit, progress, json.
void add_game_options(boost::program_options::options_description& options);

/// A program as `backend` loads it from PROGRAM, and an oracle serving its --input values
/// (program_input.hpp) as its input.
struct LoadedProgram {
  std::unique_ptr<Program> program;
  std::shared_ptr<InMemoryPreimageOracle> oracle;
  PreimageKey input_key{};
};
/// `input_misused`, if given, is set when the --input values themselves are wrong (a usage
/// error), not the files they name.
Result<LoadedProgram> load_program(const Backend& backend,
                                   const boost::program_options::variables_map& values,
                                   bool* input_misused = nullptr);

struct GameSetup {
  std::shared_ptr<const BackendRegistry> registry;  ///< owns `backend`
  const Backend* backend = nullptr;
  std::string program_path;
  std::unique_ptr<Program> program;
  std::shared_ptr<InMemoryPreimageOracle> oracle;
  PreimageKey input_key{};
  /// The run the adversaries lie about (its first run measured the program), and the honest
  /// agent's, with checkpoints over the run.
  std::unique_ptr<ProgramExecutor> adversary_truth, honest_trace;
  std::uint64_t length = 0;  ///< steps of the program's run
  std::uint64_t chunk = 1;   ///< steps per first-layer step (1: a game of one layer)
  dispute::GameConfig config;
  dispute::ScenarioOptions cast;
  std::string strategy, role;
  ProgressStyle style = ProgressStyle::none;
  std::optional<dispute::Scenario> scenario;
};

/// Sets up the game the options describe, with `config_defaults`' clocks and bonds. On a bad
/// option or a failure, prints the reason as `command` (usage errors pointing at --help),
/// sets `exit_code` and returns null.
std::unique_ptr<GameSetup> prepare_game(const boost::program_options::variables_map& values,
                                        const dispute::GameConfig& config_defaults,
                                        const BackendCatalog& backends, const std::string& command,
                                        std::ostream& err, int& exit_code);

}  // namespace faultline::cli
