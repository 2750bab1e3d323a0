// `faultline verifier gen`: writes a backend's Solidity step-verifier stub and its Foundry test
// from the state layout the backend declares (the generator is faultline/solidity_stub.hpp).
#include <boost/program_options.hpp>
#include <filesystem>
#include <ostream>

#include "commands.hpp"
#include "faultline/solidity_stub.hpp"

namespace faultline::cli {
namespace {

namespace po = boost::program_options;

constexpr std::string_view kGenUsage = "gen --backend NAME --out DIR [--force]";

int gen_command(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                std::ostream& err) {
  po::options_description options("options");
  options.add_options()("backend", po::value<std::string>()->required(),
                        "backend name (see 'faultline info')")(
      "out", po::value<std::string>()->required(),
      "root of a Foundry project laid out as contracts/ (normally: contracts)")(
      "force", "replace files that already exist")("help,h", "show this help");
  po::variables_map values;
  try {
    // No positional arguments: a stray word is an error, not silently ignored.
    const po::positional_options_description none;
    po::store(po::command_line_parser(args).options(options).positional(none).run(), values);
    if (values.contains("help")) {
      out << "usage: faultline verifier " << kGenUsage << "\n\n"
          << "Writes src/NAME/<Name>StepVerifier.sol and test/<Name>StepVerifier.t.sol under DIR\n"
          << "from the backend's state layout (docs/writing-a-backend.md), and the files they\n"
          << "import (src/IStepVerifier.sol, src/IPreimageOracle.sol, src/PreimageOracle.sol,\n"
          << "test/Test.sol) where DIR lacks them.\n\n"
          << options << "\n";
      return kExitOk;
    }
    po::notify(values);
  } catch (const po::error& error) {
    err << "faultline verifier gen: " << error.what()
        << "\nrun 'faultline verifier gen --help' for usage\n";
    return kExitUsage;
  }

  if (values["out"].as<std::string>().empty()) {
    err << "faultline verifier gen: --out must name a directory\n";
    return kExitUsage;
  }
  const BackendRegistry registry = backends.registry();
  auto backend = registry.find(values["backend"].as<std::string>());
  if (!backend) {
    err << "faultline verifier gen: " << backend.error().message << "\n";
    return kExitUsage;
  }
  const auto layout = (*backend)->state_layout();
  if (!layout) {
    err << "faultline verifier gen: backend " << (*backend)->name()
        << " does not declare its state layout (Backend::state_layout)\n";
    return kExitFailure;
  }
  auto files = generate_verifier_stub((*backend)->name(), *layout);
  if (!files) {
    err << "faultline verifier gen: " << (*backend)->name() << ": " << files.error().message
        << "\n";
    return kExitFailure;
  }
  const std::string& root = values["out"].as<std::string>();
  if (auto written = write_solidity_files(*files, root, values.contains("force")); !written) {
    err << "faultline verifier gen: " << written.error().message
        << (written.error().code == Errc::invalid_argument ? " (--force replaces it)" : "") << "\n";
    return kExitFailure;
  }
  for (const SolidityFile& file : *files)
    out << "wrote " << root << "/" << file.path << "\n";
  // What the stub imports, where the project lacks it; a project's own copy is kept.
  for (const SolidityFile& file : verifier_support_files()) {
    const std::filesystem::path path = std::filesystem::path(root) / file.path;
    std::error_code error;
    if (std::filesystem::exists(path, error)) continue;
    if (auto written = write_solidity_files({file}, root, false); !written) {
      err << "faultline verifier gen: " << written.error().message << "\n";
      return kExitFailure;
    }
    out << "wrote " << root << "/" << file.path << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_verifier(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                 std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out) << "usage: faultline verifier " << kGenUsage << "\n";
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "gen")
    return gen_command(Arguments(args.begin() + 1, args.end()), backends, out, err);
  err << "faultline verifier: unknown subcommand '" << args[0] << "' (known: gen)\n";
  return kExitUsage;
}

}  // namespace faultline::cli
