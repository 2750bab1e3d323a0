// The command line's entry point (faultline/cli/cli.hpp): dispatch to a command.
#include <iostream>
#include <new>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "faultline/cli/cli.hpp"
#include "faultline/version.hpp"

namespace {

using faultline::cli::commands;

void print_usage(std::ostream& out) {
  out << "faultline " << faultline::kVersion << " - one fault-proof bisection engine for any VM\n\n"
      << "usage: faultline <command> [options]\n"
      << "       faultline <command> --help\n\n"
      << "commands:\n";
  for (const auto& command : commands()) {
    out << "  " << command.name << std::string(12 - command.name.size(), ' ') << command.summary
        << "\n";
  }
}

}  // namespace

namespace faultline::cli {

int run_cli(int argc, char** argv, const BackendCatalog& backends) {
  if (argc < 2) {
    print_usage(std::cerr);
    return kExitUsage;
  }
  const std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    print_usage(std::cout);
    return kExitOk;
  }
  if (first == "--version") {
    std::cout << "faultline " << faultline::kVersion << "\n";
    return kExitOk;
  }
  for (const auto& command : commands()) {
    if (command.name == first) {
      int code = kExitFailure;
      try {
        code = command.run(Arguments(argv + 2, argv + argc), backends, std::cout, std::cerr);
      } catch (const std::bad_alloc&) {
        // The documented limits bound every command's memory; past the host's, fail cleanly.
        std::cerr << "faultline " << first << ": out of memory\n";
        return kExitFailure;
      }
      // Output that never arrived (a full disk, a closed pipe) is a failure, not a success.
      if (!std::cout.flush()) {
        std::cerr << "faultline: cannot write to standard output\n";
        return kExitFailure;
      }
      return code;
    }
  }
  std::cerr << "faultline: unknown command '" << first << "'; run 'faultline --help'\n";
  return kExitUsage;
}

}  // namespace faultline::cli
