// Sub-commands of the faultline CLI. Each parses its own options and turns library errors into
// messages and exit codes; the work itself lives in the libraries.
#include "commands.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "faultline/file.hpp"
#include "faultline/keccak.hpp"
#include "faultline/program_executor.hpp"
#include "faultline/version.hpp"
#include "options.hpp"
#include "program_input.hpp"
#include "progress.hpp"

namespace faultline::cli {
namespace {

namespace po = boost::program_options;
using Json = nlohmann::ordered_json;

/// Parses `args` for `command`; prints help or a clear usage error and returns nullopt with
/// `exit_code` set when the command should not run.
std::optional<po::variables_map> parse_options(std::string_view command, std::string_view usage,
                                               const Arguments& args,
                                               const po::options_description& options,
                                               const po::positional_options_description& positional,
                                               std::ostream& out, std::ostream& err,
                                               int& exit_code) {
  po::options_description all = options;
  all.add_options()("help,h", "show this help");
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
    if (values.contains("help")) {
      out << "usage: faultline " << command << " " << usage << "\n\n" << all << "\n";
      exit_code = kExitOk;
      return std::nullopt;
    }
    po::notify(values);
  } catch (const po::error& error) {
    err << "faultline " << command << ": " << error.what() << "\nrun 'faultline " << command
        << " --help' for usage\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  return values;
}

std::string dump(const Json& json) {
  return json.dump(2, ' ', false, Json::error_handler_t::replace);
}

/// Options shared by every command that runs a program.
po::options_description program_options() {
  po::options_description options("options");
  options.add_options()("backend", po::value<std::string>()->required(),
                        "backend name (see 'faultline info')")(
      "program", po::value<std::string>()->required(),
      "program file (an ELF file for VM backends, an .onnx model)")(
      "input", po::value<std::vector<std::string>>()->composing(),
      "FILE served to a VM program as its input preimage; NAME=FILE (.npy or .pb) for each "
      "input of an ONNX model")("operators-per-step",
                                po::value<Count>()->default_value(Count{1}, "1"),
                                "ONNX: operators one step runs, a part of the prestate")(
      "checkpoint-interval",
      po::value<Count>()->default_value(Count{std::uint64_t{1} << 22}, "4194304"),
      "steps between executor checkpoints")(
      "memory-limit",
      po::value<Count>()->default_value(Count{kDefaultMemoryLimitPages},
                                        std::to_string(kDefaultMemoryLimitPages)),
      "4 KiB pages the guest may hold non-zero, a part of its prestate: a store past it is a "
      "guest fault")("json", "print JSON")(
      "progress", po::value<std::string>()->default_value("auto"),
      "progress on stderr: auto (a bar on a terminal), bar, json (one object per line) or none");
  return options;
}

/// A program loaded from the command line, with its oracle and executor.
struct Session {
  std::shared_ptr<const BackendRegistry> registry;  ///< owns `backend`
  const Backend* backend = nullptr;
  std::unique_ptr<Program> program;
  std::shared_ptr<InMemoryPreimageOracle> oracle;
  std::unique_ptr<ProgramExecutor> executor;
  std::shared_ptr<Progress> progress;
};

/// Loads the program named by the options; returns an exit code on failure.
std::optional<Session> open_session(std::string_view command, const po::variables_map& values,
                                    const BackendCatalog& backends, std::ostream& err,
                                    int& exit_code) {
  Session session;
  const auto& progress_option = values["progress"].as<std::string>();
  const auto style = progress_style(progress_option, values.contains("json"));
  if (!style) {
    err << "faultline " << command << ": --progress must be auto, bar, json or none, not '"
        << progress_option << "'\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  session.progress = std::make_shared<Progress>(*style, std::string(command));
  session.registry = std::make_shared<const BackendRegistry>(backends.registry(
      {values["memory-limit"].as<Count>().value, values["operators-per-step"].as<Count>().value}));
  auto backend = session.registry->find(values["backend"].as<std::string>());
  if (!backend) {
    err << "faultline " << command << ": " << backend.error().message << "\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  session.backend = *backend;
  const auto& path = values["program"].as<std::string>();
  auto program = session.backend->load_file(path);
  if (!program) {
    err << "faultline " << command << ": " << path << ": " << program.error().message << "\n";
    exit_code = kExitFailure;
    return std::nullopt;
  }
  session.program = std::move(*program);
  auto input = program_input(*session.program, input_values(values));
  if (!input) {
    err << "faultline " << command << ": " << input.error().message << "\n";
    exit_code = input.error().code == Errc::invalid_argument ? kExitUsage : kExitFailure;
    return std::nullopt;
  }
  session.oracle = std::make_shared<InMemoryPreimageOracle>();
  session.oracle->set_program_input(std::move(*input));
  ExecutorOptions options;
  options.checkpoint_interval = values["checkpoint-interval"].as<Count>().value;
  if (session.progress->active()) {
    options.progress = [progress = session.progress](const ExecutorProgress& at) {
      progress->steps(at);
    };
  }
  session.executor = std::make_unique<ProgramExecutor>(*session.program, session.oracle, options);
  return session;
}

/// The parsed options and loaded program of a command that runs one (run, state, witness).
struct ProgramCommand {
  po::variables_map values;
  Session session;
};

std::optional<ProgramCommand> start_program_command(
    std::string_view command, std::string_view usage, const po::options_description& options,
    const Arguments& args, const BackendCatalog& backends, std::ostream& out, std::ostream& err,
    int& exit_code) {
  po::positional_options_description positional;
  positional.add("program", 1);
  auto values = parse_options(command, usage, args, options, positional, out, err, exit_code);
  if (!values) return std::nullopt;
  auto session = open_session(command, *values, backends, err, exit_code);
  if (!session) return std::nullopt;
  return ProgramCommand{std::move(*values), std::move(*session)};
}

int fail(std::string_view command, std::ostream& err, const Error& error) {
  err << "faultline " << command << ": " << error.message << "\n";
  return kExitFailure;
}

std::string as_text(ByteView bytes) {
  return {bytes.begin(), bytes.end()};
}

/// True if `bytes` are well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF), i.e. JSON can carry them as a string unchanged.
bool is_utf8(ByteView bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t lead = bytes[i];
    std::size_t length = 0;
    std::uint32_t code = 0;
    std::uint32_t least = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if ((lead & 0xe0) == 0xc0) {
      length = 2, code = lead & 0x1fu, least = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3, code = lead & 0x0fu, least = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4, code = lead & 0x07u, least = 0x10000;
    } else {
      return false;
    }
    if (bytes.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xc0) != 0x80) return false;
      code = code << 6 | (bytes[i + k] & 0x3fu);
    }
    if (code < least || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

std::string base64(ByteView bytes) {
  static constexpr std::string_view kDigits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k)
      group = group << 8 | (k < n ? bytes[i + k] : 0u);
    for (std::size_t k = 0; k < 4; ++k)
      out += k <= n ? kDigits[(group >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

/// Guest output in JSON, byte for byte: a string under `name` when it is UTF-8, otherwise
/// base64 under `name` + "_base64".
void put_output(Json& json, const std::string& name, ByteView bytes) {
  if (is_utf8(bytes)) {
    json[name] = as_text(bytes);
  } else {
    json[name + "_base64"] = base64(bytes);
  }
}

Json machine_summary(Machine& machine) {
  Json json;
  json["steps"] = machine.step_count();
  json["status"] = vm_status_name(machine.status());
  if (auto code = machine.exit_code()) json["exit_code"] = *code;
  if (machine.status() == VmStatus::faulted) json["fault"] = machine.fault_description();
  json["commitment"] = to_hex(machine.commitment());
  return json;
}

int run_run(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
            std::ostream& err) {
  auto options = program_options();
  options.add_options()("max-steps", po::value<Count>(), "stop after this many steps")(
      "output-dir", po::value<std::string>(),
      "ONNX: also write each output tensor there as NAME.npy");
  int exit_code = kExitOk;
  auto command = start_program_command(
      "run",
      "--backend NAME PROGRAM [--input FILE | --input NAME=FILE ...] [--max-steps N] "
      "[--output-dir DIR] [--json]",
      options, args, backends, out, err, exit_code);
  if (!command) return exit_code;
  auto& [values, session] = *command;

  const std::uint64_t limit = values.contains("max-steps")
                                  ? values["max-steps"].as<Count>().value
                                  : std::numeric_limits<std::uint64_t>::max();
  auto machine = session.executor->machine_at(limit);
  if (!machine) return fail("run", err, machine.error());
  session.progress->done("\"step\": " + std::to_string((*machine)->step_count()));
  Json json = machine_summary(**machine);
  Json tensors = Json::object();
  std::ostringstream tensor_text;
  auto reported = report_tensors(
      **machine, values.contains("json") ? &tensors : nullptr, tensor_text,
      values.contains("output-dir") ? values["output-dir"].as<std::string>() : std::string());
  if (!reported) return fail("run", err, reported.error());
  if (values.contains("json")) {
    Json full;
    full["backend"] = session.backend->name();
    full["program"] = values["program"].as<std::string>();
    full["artifact_hash"] = to_hex(session.program->artifact_hash());
    full.update(json);
    if (*reported) {
      full["outputs"] = std::move(tensors);
    } else {
      put_output(full, "stdout", (*machine)->output(1));
      put_output(full, "stderr", (*machine)->output(2));
    }
    out << dump(full) << "\n";
    return kExitOk;
  }
  out << tensor_text.str() << as_text((*machine)->output(1)) << std::flush;
  err << as_text((*machine)->output(2));
  err << "faultline: " << json["steps"] << " steps, " << json["status"].get<std::string>();
  if (json.contains("exit_code")) err << " (exit code " << json["exit_code"] << ")";
  if (json.contains("fault")) err << ": " << json["fault"].get<std::string>();
  err << "\nfaultline: state commitment " << json["commitment"].get<std::string>() << "\n";
  return kExitOk;
}

int run_state(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
              std::ostream& err) {
  auto options = program_options();
  options.add_options()("at", po::value<Count>()->required(), "step index N");
  int exit_code = kExitOk;
  auto command = start_program_command(
      "state", "--backend NAME PROGRAM --at N [--input FILE | --input NAME=FILE ...] [--json]",
      options, args, backends, out, err, exit_code);
  if (!command) return exit_code;
  auto& [values, session] = *command;
  const std::uint64_t at = values["at"].as<Count>().value;
  auto claim = session.executor->claim_at(at);
  if (!claim) return fail("state", err, claim.error());
  session.progress->done("\"step\": " + std::to_string(at));
  if (values.contains("json")) {
    Json json;
    json["step"] = at;
    json["commitment"] = to_hex(*claim);
    json["status"] = vm_status_name(*commitment_status(*claim));
    if (auto halt = session.executor->halt_step()) json["halted_at"] = *halt;
    out << dump(json) << "\n";
  } else {
    out << to_hex(*claim) << "\n";
  }
  return kExitOk;
}

int run_witness(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                std::ostream& err) {
  auto options = program_options();
  options.add_options()("at", po::value<Count>()->required(), "step index N (state N to N+1)");
  int exit_code = kExitOk;
  auto command = start_program_command(
      "witness", "--backend NAME PROGRAM --at N [--input FILE | --input NAME=FILE ...] [--json]",
      options, args, backends, out, err, exit_code);
  if (!command) return exit_code;
  auto& [values, session] = *command;
  const std::uint64_t at = values["at"].as<Count>().value;
  if (at == std::numeric_limits<std::uint64_t>::max()) {
    err << "faultline witness: --at must be below 2^64 - 1 (the step goes from state N to N+1)\n";
    return kExitUsage;
  }
  auto pre = session.executor->claim_at(at);
  if (!pre) return fail("witness", err, pre.error());
  auto witness = session.executor->witness_at(at);
  if (!witness) return fail("witness", err, witness.error());
  auto post = session.executor->claim_at(at + 1);
  if (!post) return fail("witness", err, post.error());
  session.progress->done("\"step\": " + std::to_string(at));
  // The witness is only worth printing if the step verifier, from the witness alone, reaches
  // the executor's post-state.
  auto verified = verify_step(session.backend->step_verifier(), *pre, *witness, *session.oracle);
  if (!verified) return fail("witness", err, verified.error());
  if (*verified != *post) {
    err << "faultline witness: internal error: the step verifier computed " << to_hex(*verified)
        << " but the executor reached " << to_hex(*post) << "\n";
    return kExitFailure;
  }
  Json json;
  json["step"] = at;
  json["pre_commitment"] = to_hex(*pre);
  json["state"] = to_hex(witness->state);
  json["proof"] = to_hex(witness->proof);
  json["proof_bytes"] = witness->proof.size();
  Json reads = Json::array();
  for (const PreimageRead& read : witness->preimages)
    reads.push_back({{"key", to_hex(read.key)}, {"offset", read.offset}});
  json["preimages"] = reads;
  Json supplied = Json::array();
  for (const Bytes& data : witness->supplied_preimages)
    supplied.push_back(to_hex(data));
  if (!supplied.empty()) json["supplied_preimages"] = supplied;
  json["post_commitment"] = to_hex(*post);
  json["verified"] = true;
  if (values.contains("json")) {
    out << dump(json) << "\n";
    return kExitOk;
  }
  out << "step            " << at << "\npre-state       "
      << json["pre_commitment"].get<std::string>() << "\npost-state      "
      << json["post_commitment"].get<std::string>() << "\nstate           "
      << json["state"].get<std::string>() << "\nproof (" << witness->proof.size() << " bytes) "
      << json["proof"].get<std::string>() << "\n";
  for (const Json& read : json["preimages"])
    out << "preimage        " << read.dump() << "\n";
  for (const Bytes& data : witness->supplied_preimages) {
    out << "supplied        " << to_hex(keccak_preimage_key(data)) << " (" << data.size()
        << " bytes)\n";
  }
  out << "verified        the step verifier reaches the post-state from the witness alone\n";
  return kExitOk;
}

int run_info(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
             std::ostream& err) {
  po::options_description options("options");
  options.add_options()("json", "print JSON");
  int exit_code = kExitOk;
  const auto values = parse_options("info", "[--json]", args, options, {}, out, err, exit_code);
  if (!values) return exit_code;

  const BackendRegistry registry = backends.registry();
  Json info;
  info["version"] = kVersion;
  info["keccak_pairs"] = keccak_pairs_implementation();
  info["hardware_threads"] = std::thread::hardware_concurrency();
  info["backends"] = Json::array();
  for (const Backend* backend : registry.backends()) {
    info["backends"].push_back({{"name", backend->name()},
                                {"description", backend->description()},
                                {"status", "available"}});
  }
  if (values->contains("json")) {
    out << dump(info) << "\n";
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
    {"run", "run a program; print its output, status and final state commitment", run_run},
    {"state", "print the state commitment after N steps", run_state},
    {"witness", "print the witness of step N and check it with the step verifier", run_witness},
    {"game",
     "play a dispute game between the honest agent and an adversary, in memory (simulate) or "
     "on a local chain (play)",
     run_game},
    {"agent", "play a factory's dispute games on a chain: propose, counter, step, resolve, claim",
     agent_command},
    {"verifier", "generate a backend's Solidity step-verifier stub from its state layout",
     run_verifier},
};

}  // namespace

std::span<const Command> commands() {
  return kCommands;
}

}  // namespace faultline::cli
