// Sub-commands of the faultline CLI.
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/cli/cli.hpp"

namespace faultline::cli {

/// Exit codes: 0 success, 1 the work failed (bad input file, failed check), 2 usage error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// Arguments after the command name.
using Arguments = std::vector<std::string>;

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
             std::ostream& err);
};

/// `faultline game ...` (game_command.cpp).
int run_game(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
             std::ostream& err);

/// `faultline game play` (chain_game_command.cpp).
int play_command(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                 std::ostream& err);

/// `faultline agent` (agent_command.cpp).
int agent_command(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                  std::ostream& err);

/// `faultline verifier ...` (verifier_command.cpp).
int run_verifier(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                 std::ostream& err);

/// Every sub-command, in the order `faultline --help` lists them.
std::span<const Command> commands();

}  // namespace faultline::cli
