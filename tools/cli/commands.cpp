// Sub-commands of the faultline CLI. Each parses its own options and turns library errors into
// messages and exit codes; the work itself lives in the libraries.
#include "commands.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <thread>

#include "built_in_backends.hpp"
#include "faultline/keccak.hpp"
#include "faultline/version.hpp"

namespace faultline::cli {
namespace {

namespace po = boost::program_options;

/// Parses `args` for `command`; prints help or a clear usage error and returns nullopt with
/// `exit_code` set when the command should not run.
std::optional<po::variables_map> parse_options(std::string_view command, std::string_view usage,
                                               const Arguments& args,
                                               const po::options_description& options,
                                               std::ostream& out, std::ostream& err,
                                               int& exit_code) {
  po::options_description all = options;
  all.add_options()("help,h", "show this help");
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(all).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    err << "faultline " << command << ": " << error.what() << "\nrun 'faultline " << command
        << " --help' for usage\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  if (values.contains("help")) {
    out << "usage: faultline " << command << " " << usage << "\n\n" << all << "\n";
    exit_code = kExitOk;
    return std::nullopt;
  }
  return values;
}

int run_info(const Arguments& args, std::ostream& out, std::ostream& err) {
  po::options_description options("options");
  options.add_options()("json", "print JSON");
  int exit_code = kExitOk;
  const auto values = parse_options("info", "[--json]", args, options, out, err, exit_code);
  if (!values) return exit_code;

  const BackendRegistry registry = built_in_backends();
  nlohmann::ordered_json info;
  info["version"] = kVersion;
  info["keccak_pairs"] = keccak_pairs_implementation();
  info["hardware_threads"] = std::thread::hardware_concurrency();
  info["backends"] = nlohmann::ordered_json::array();
  for (const Backend* backend : registry.backends()) {
    info["backends"].push_back({{"name", backend->name()},
                                {"description", backend->description()},
                                {"status", "available"}});
  }
  if (values->contains("json")) {
    out << info.dump(2) << "\n";
    return kExitOk;
  }
  out << "faultline " << kVersion << "\n"
      << "keccak-256 tree hashing: " << keccak_pairs_implementation() << "\n"
      << "hardware threads: " << std::thread::hardware_concurrency() << "\n"
      << "backends:\n";
  if (registry.backends().empty()) out << "  (none built in yet)\n";
  for (const Backend* backend : registry.backends()) {
    out << "  " << backend->name() << "  available  " << backend->description() << "\n";
  }
  return kExitOk;
}

constexpr Command kCommands[] = {
    {"info", "list the built-in backends and build facts", run_info},
};

}  // namespace

std::span<const Command> commands() {
  return kCommands;
}

}  // namespace faultline::cli
