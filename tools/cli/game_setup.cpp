// The set-up shared by `game simulate` and `game play`.
#include "game_setup.hpp"

#include "commands.hpp"
#include "faultline/file.hpp"
#include "options.hpp"
#include "program_input.hpp"

namespace faultline::cli {

namespace po = boost::program_options;

void add_game_options(po::options_description& options) {
  options.add_options()("backend", po::value<std::string>()->required(),
                        "backend name (see 'faultline info')")(
      "program", po::value<std::string>()->required(), "program file")(
      "input", po::value<std::vector<std::string>>()->composing(),
      "FILE served to a VM program as its input preimage; NAME=FILE (.npy or .pb) for each "
      "input of an ONNX model")("operators-per-step",
                                po::value<Count>()->default_value(Count{1}, "1"),
                                "ONNX: operators one step runs, a part of the prestate")(
      "arity", po::value<Count>()->default_value(Count{2}, "2"),
      "k: states posted per move + 1 (2..64)")(
      "chunk", po::value<Count>(),
      "play two layers: chunks of this many steps (a power of k), then the steps of the "
      "disputed chunk")("dishonest", po::value<std::string>()->default_value("lie-from"),
                        "adversary: lie-at, lie-from, random, late, spam or coalition")(
      "lie-at", po::value<Count>(),
      "the step the adversary lies at or from (default: half the run)")(
      "honest-role", po::value<std::string>()->default_value("challenger"),
      "proposer (posts the true result) or challenger (disputes a false one)")(
      "max-steps", po::value<Count>()->default_value(Count{std::uint64_t{1} << 32}, "4294967296"),
      "give up if the program has not halted after this many steps")(
      "progress", po::value<std::string>()->default_value("auto"),
      "progress on stderr: auto (a bar on a terminal), bar, json (one object per line) or none")(
      "json", "print JSON");
}

Result<LoadedProgram> load_program(const Backend& backend, const po::variables_map& values,
                                   bool* input_misused) {
  auto program = backend.load_file(values["program"].as<std::string>());
  if (!program) return program.error();
  auto input = program_input(**program, input_values(values));
  if (!input) {
    if (input_misused != nullptr) *input_misused = input.error().code == Errc::invalid_argument;
    return input.error();
  }
  LoadedProgram loaded{std::move(*program), std::make_shared<InMemoryPreimageOracle>(), {}};
  loaded.input_key = loaded.oracle->set_program_input(std::move(*input));
  return loaded;
}

std::unique_ptr<GameSetup> prepare_game(const po::variables_map& values,
                                        const dispute::GameConfig& config_defaults,
                                        const BackendCatalog& backends, const std::string& command,
                                        std::ostream& err, int& exit_code) {
  const auto usage = [&](const std::string& message) {
    err << command << ": " << message << "\nrun '" << command << " --help' for usage\n";
    exit_code = kExitUsage;
    return nullptr;
  };
  const auto fail = [&](const Error& error) {
    err << command << ": " << error.message << "\n";
    exit_code = kExitFailure;
    return nullptr;
  };
  auto setup = std::make_unique<GameSetup>();
  setup->strategy = values["dishonest"].as<std::string>();
  const auto adversary = dispute::parse_adversary(setup->strategy);
  if (!adversary) return usage("unknown --dishonest strategy '" + setup->strategy + "'");
  setup->role = values["honest-role"].as<std::string>();
  if (setup->role != "proposer" && setup->role != "challenger")
    return usage("--honest-role must be proposer or challenger");
  const auto style = progress_style(values["progress"].as<std::string>(), values.contains("json"));
  if (!style) return usage("--progress must be auto, bar, json or none");
  setup->style = *style;
  const std::uint64_t max_steps = values["max-steps"].as<Count>().value;
  if (max_steps == 0) return usage("--max-steps must be at least 1");
  const std::uint64_t arity_option = values["arity"].as<Count>().value;
  if (arity_option < 2 || arity_option > 64) return usage("--arity must lie in [2, 64]");
  const auto arity = static_cast<unsigned>(arity_option);
  setup->config = config_defaults;
  setup->config.arity = arity;
  if (values.contains("chunk")) {
    // A power of k: the inner layer is a whole k-ary game of depth log_k(chunk).
    const std::uint64_t chunk = values["chunk"].as<Count>().value;
    unsigned depth = 0;
    std::uint64_t power = 1;
    while (power < chunk && power <= (std::uint64_t{1} << 40) / arity) {
      power *= arity;
      ++depth;
    }
    if (chunk < 2 || power != chunk) {
      return usage("--chunk must be a power of the arity, at least k and at most 2^40");
    }
    setup->config.inner_layers.push_back(dispute::chunk_layer(arity, depth));
    setup->chunk = chunk;
  }

  setup->registry = std::make_shared<const BackendRegistry>(backends.registry(
      {kDefaultMemoryLimitPages, values["operators-per-step"].as<Count>().value}));
  auto backend = setup->registry->find(values["backend"].as<std::string>());
  if (!backend) return usage(backend.error().message);
  setup->backend = *backend;
  setup->program_path = values["program"].as<std::string>();
  bool input_misused = false;
  auto loaded = load_program(*setup->backend, values, &input_misused);
  if (!loaded && input_misused) return usage(loaded.error().message);
  if (!loaded) return fail(loaded.error());
  setup->program = std::move(loaded->program);
  setup->oracle = std::move(loaded->oracle);
  setup->input_key = loaded->input_key;

  // A separate trace for the adversaries to lie about; its first run measures the program.
  Progress measuring(setup->style, "run");
  ExecutorOptions measure_options;
  if (measuring.active()) {
    measure_options.progress = [&measuring](const ExecutorProgress& at) { measuring.steps(at); };
  }
  setup->adversary_truth =
      std::make_unique<ProgramExecutor>(*setup->program, setup->oracle, measure_options);
  auto final_machine = setup->adversary_truth->machine_at(max_steps);
  if (!final_machine) return fail(final_machine.error());
  if ((*final_machine)->status() == VmStatus::running) {
    measuring.done("\"step\": " + std::to_string(max_steps));
    return fail(
        Error{Errc::out_of_range, "the program did not halt within " + std::to_string(max_steps) +
                                      " steps; a game needs a run that ends (--max-steps)"});
  }
  setup->length = std::max<std::uint64_t>(1, (*final_machine)->step_count());
  measuring.done("\"step\": " + std::to_string(setup->length));
  // The honest trace keeps ~256 checkpoints over the run, so a query re-runs at most 1/256 of
  // it and the whole game costs about one run. It runs the program once more, during the
  // game's first rounds.
  ExecutorOptions honest_options;
  honest_options.checkpoint_interval = std::max<std::uint64_t>(64, setup->length / 256);
  honest_options.max_checkpoints = 512;
  auto honest_run = std::make_shared<Progress>(setup->style, "honest trace");
  if (honest_run->active()) {
    honest_options.progress = [honest_run](const ExecutorProgress& at) { honest_run->steps(at); };
  }
  setup->honest_trace =
      std::make_unique<ProgramExecutor>(*setup->program, setup->oracle, honest_options);

  dispute::GameConfig& config = setup->config;
  config.max_depth = dispute::depth_for((setup->length + setup->chunk - 1) / setup->chunk, arity);
  config.absolute_prestate = setup->program->absolute_prestate();
  if (auto valid = config.validate(); !valid) return usage(valid.error().message);
  const std::uint64_t whole = config.trace_length() * setup->chunk;
  const std::uint64_t lie = values.contains("lie-at")
                                ? values["lie-at"].as<Count>().value
                                : std::max<std::uint64_t>(1, setup->length / 2);
  if (lie == 0 || lie > whole) {
    return usage("--lie-at must lie in [1, " + std::to_string(whole) + "]");
  }
  setup->cast.adversary = *adversary;
  setup->cast.lie_at = lie;
  setup->cast.honest_proposes = setup->role == "proposer";
  setup->cast.chunk = setup->chunk == 1 ? 0 : setup->chunk;
  auto scenario =
      dispute::Scenario::make(setup->cast, config, *setup->honest_trace, *setup->adversary_truth);
  if (!scenario) return fail(scenario.error());
  setup->scenario.emplace(std::move(*scenario));
  return setup;
}

}  // namespace faultline::cli
