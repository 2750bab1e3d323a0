// `faultline game simulate`: plays a full dispute game in memory between the honest agent
// (with checkpoints over the real program's trace) and a chosen adversary.
#include <sys/resource.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.hpp"
#include "faultline/dispute/scenario.hpp"
#include "faultline/dispute/simulator.hpp"
#include "faultline/file.hpp"
#include "faultline/program_executor.hpp"
#include "game_setup.hpp"

namespace faultline::cli {
namespace {

namespace po = boost::program_options;
using dispute::Scenario;
using Json = nlohmann::ordered_json;

constexpr dispute::PartyId kHonest = Scenario::kHonest;

std::string dot_graph(const dispute::GameView& game, dispute::PartyId honest) {
  std::string out = "digraph game {\n  node [shape=box, fontname=monospace];\n";
  for (dispute::NodeId id = 0; id < game.nodes().size(); ++id) {
    const auto& node = game.node(id);
    const std::string who =
        node.claimant == honest ? "honest" : "party " + std::to_string(node.claimant);
    out += "  n" + std::to_string(id) + " [label=\"" + (node.is_step ? "step " : "node ") +
           std::to_string(id) + "\\n" + who + "\\n[" + std::to_string(node.lo) + ", " +
           std::to_string(node.hi) + "]\", style=filled, fillcolor=\"" +
           (node.countered ? "#f4b6b6" : "#b6e3b6") + "\"];\n";
    if (node.parent != dispute::kNoNode) {
      out += "  n" + std::to_string(node.parent) + " -> n" + std::to_string(id) + " [label=\"" +
             std::to_string(node.piece) + "\"];\n";
    }
  }
  return out + "}\n";
}

/// The game tree as an SVG picture: depth downwards, leaves left to right; green nodes stand,
/// red ones were countered; the honest party's nodes have a thick border.
std::string svg_tree(const dispute::GameView& game, dispute::PartyId honest,
                     const std::map<dispute::PartyId, std::string>& names) {
  constexpr double kWidth = 170, kHeight = 58, kGapX = 20, kGapY = 40;
  const auto& nodes = game.nodes();
  std::vector<double> x(nodes.size(), 0);
  double next_leaf = 0;
  // Post-order: a leaf takes the next column, a parent sits over the middle of its children.
  std::vector<std::pair<dispute::NodeId, bool>> stack = {{0, false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    stack.pop_back();
    const auto& children = nodes[id].children;
    if (children.empty()) {
      x[id] = next_leaf++;
    } else if (expanded) {
      x[id] = (x[children.front()] + x[children.back()]) / 2;
    } else {
      stack.emplace_back(id, true);
      for (auto child = children.rbegin(); child != children.rend(); ++child)
        stack.emplace_back(*child, false);
    }
  }
  unsigned depth = 0;
  for (const auto& node : nodes)
    depth = std::max(depth, node.depth);
  const auto left = [&](dispute::NodeId id) { return 10 + x[id] * (kWidth + kGapX); };
  const auto top = [&](dispute::NodeId id) { return 10 + nodes[id].depth * (kHeight + kGapY); };
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(static_cast<int>(20 + next_leaf * (kWidth + kGapX))) +
                    "\" height=\"" +
                    std::to_string(static_cast<int>(20 + (depth + 1) * (kHeight + kGapY))) +
                    "\" font-family=\"monospace\" font-size=\"11\">\n";
  for (dispute::NodeId id = 1; id < nodes.size(); ++id) {
    const auto parent = nodes[id].parent;
    out += "<line x1=\"" + std::to_string(left(parent) + kWidth / 2) + "\" y1=\"" +
           std::to_string(top(parent) + kHeight) + "\" x2=\"" +
           std::to_string(left(id) + kWidth / 2) + "\" y2=\"" + std::to_string(top(id)) +
           "\" stroke=\"#888\"/>\n";
  }
  for (dispute::NodeId id = 0; id < nodes.size(); ++id) {
    const auto& node = nodes[id];
    const auto name = names.find(node.claimant);
    std::string label[3] = {
        (id == 0        ? "root"
         : node.is_step ? "step "
                        : "node ") +
            (id == 0 ? "" : std::to_string(id)) +
            (node.layer > 0 ? " (layer " + std::to_string(node.layer) + ")" : ""),
        name == names.end() ? "party " + std::to_string(node.claimant) : name->second,
        "[" + std::to_string(node.lo) + ", " + std::to_string(node.hi) + "]"};
    out += "<rect x=\"" + std::to_string(left(id)) + "\" y=\"" + std::to_string(top(id)) +
           "\" width=\"" + std::to_string(kWidth) + "\" height=\"" + std::to_string(kHeight) +
           "\" rx=\"6\" fill=\"" + (node.countered ? "#f4b6b6" : "#b6e3b6") +
           "\" stroke=\"#333\" stroke-width=\"" + (node.claimant == honest ? "3" : "1") + "\"/>\n";
    for (int line = 0; line < 3; ++line) {
      out += "<text x=\"" + std::to_string(left(id) + 8) + "\" y=\"" +
             std::to_string(top(id) + 16 + 15 * line) + "\">" + label[line] + "</text>\n";
    }
  }
  return out + "</svg>\n";
}

int usage_error(std::ostream& err, const std::string& message) {
  err << "faultline game simulate: " << message
      << "\nrun 'faultline game simulate --help' for usage\n";
  return kExitUsage;
}

int simulate_command(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                     std::ostream& err) {
  po::options_description options("options");
  add_game_options(options);
  options.add_options()("dot", po::value<std::string>(),
                        "write the game tree to this Graphviz file")(
      "svg", po::value<std::string>(), "write the game tree to this SVG picture")("help,h",
                                                                                  "show this help");
  po::positional_options_description positional;
  positional.add("program", 1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
    if (values.contains("help")) {
      out << "usage: faultline game simulate --backend NAME PROGRAM [--arity K] [--chunk N]\n"
             "         [--dishonest STRATEGY] [--lie-at N] [--honest-role proposer|challenger]\n"
             "         [--dot FILE] [--svg FILE] [--json]\n\n"
          << options << "\n";
      return kExitOk;
    }
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(err, error.what());
  }
  const auto fail = [&err](const Error& error) {
    err << "faultline game simulate: " << error.message << "\n";
    return kExitFailure;
  };
  // The pictures' files are checked before the game, not after it.
  for (const char* picture : {"svg", "dot"}) {
    if (!values.contains(picture)) continue;
    if (auto writable = write_file(values[picture].as<std::string>(), {}); !writable) {
      return fail(writable.error());
    }
  }
  int exit_code = kExitOk;
  auto setup = prepare_game(values, dispute::GameConfig{}, backends, "faultline game simulate", err,
                            exit_code);
  if (!setup) return exit_code;
  const dispute::GameConfig& config = setup->config;
  const Scenario& scenario = *setup->scenario;
  const std::string& role = setup->role;
  const std::string& strategy = setup->strategy;
  const std::uint64_t length = setup->length;
  const unsigned arity = config.arity;
  ProgramExecutor& honest_trace = *setup->honest_trace;
  const dispute::ScenarioOptions& cast = setup->cast;
  auto game = dispute::Game::create(config, setup->backend->step_verifier(), *setup->oracle,
                                    scenario.proposer(), scenario.root_claim(), 0);
  if (!game) return fail(game.error());
  const std::vector<dispute::Agent*> agents = scenario.agents();
  const auto started = std::chrono::steady_clock::now();
  Progress playing(setup->style, "game");
  std::function<void(const dispute::SimulationResult&)> each_round;
  if (playing.active()) {
    each_round = [&playing](const dispute::SimulationResult& tally) {
      playing.round(tally.rounds, tally.moves);
    };
  }
  auto result = dispute::simulate(*game, agents, 0, 3600, 1'000'000, each_round);
  if (!result) return fail(result.error());
  playing.done("\"rounds\": " + std::to_string(result->rounds) +
               ", \"moves\": " + std::to_string(result->moves));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);

  const bool honest_won = result->root_stands == cast.honest_proposes;
  std::map<dispute::PartyId, std::string> names = scenario.names();
  Json json;
  json["backend"] = setup->backend->name();
  json["program_steps"] = length;
  json["arity"] = arity;
  json["depth"] = config.max_depth;
  if (setup->chunk > 1) json["chunk"] = setup->chunk;
  json["trace_length"] = config.trace_length();
  json["honest_role"] = role;
  json["dishonest"] = strategy;
  json["moves"] = Json::array();
  for (dispute::NodeId id = 0; id < game->nodes().size(); ++id) {
    const auto& node = game->node(id);
    Json move{{"node", id},
              {"time", node.created_at},
              {"party", names[node.claimant]},
              {"kind", id == 0        ? "root"
                       : node.is_step ? "step"
                                      : "counter"},
              {"depth", node.depth},
              {"segment", {node.lo, node.hi}},
              {"countered", node.countered}};
    if (node.parent != dispute::kNoNode) move["target"] = node.parent, move["piece"] = node.piece;
    json["moves"].push_back(move);
  }
  json["rounds"] = result->rounds;
  json["winner"] = honest_won ? "honest" : "dishonest";
  json["root_stands"] = result->root_stands;
  Json bonds = Json::object();
  for (const auto& [party, balance] : game->balances())
    bonds[names[party]] = balance.str();  // wei, in decimal: 128 bits fit no JSON number
  json["bond_flows"] = bonds;
  json["honest_steps_executed"] = honest_trace.steps_executed();
  json["honest_checkpoints"] = honest_trace.checkpoint_count();
  json["game_seconds"] = seconds;
  json["seconds_per_move"] =
      seconds / static_cast<double>(std::max<std::size_t>(1, game->nodes().size()));
  json["peak_memory_bytes"] = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;

  if (values.contains("svg")) {
    const std::string svg = svg_tree(*game, kHonest, names);
    if (auto written = write_file(values["svg"].as<std::string>(), as_bytes(svg)); !written) {
      return fail(written.error());
    }
  }
  if (values.contains("dot")) {
    const std::string dot = dot_graph(*game, kHonest);
    if (auto written = write_file(values["dot"].as<std::string>(), as_bytes(dot)); !written) {
      return fail(written.error());
    }
  }
  if (values.contains("json")) {
    out << json.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return honest_won ? kExitOk : kExitFailure;
  }
  out << "game over " << length << " steps of " << values["program"].as<std::string>()
      << ": k = " << arity << ", d = " << config.max_depth << " (" << config.trace_length()
      << "-step trace)\n"
      << "honest party is the " << role << "; adversary: " << strategy << "\n\nmoves:\n";
  for (const auto& move : json["moves"]) {
    out << "  t=" << move["time"].get<std::uint64_t>() << "s  node " << move["node"] << "  "
        << move["party"].get<std::string>() << "  " << move["kind"].get<std::string>();
    if (move.contains("target")) out << " on node " << move["target"] << " piece " << move["piece"];
    out << "  [" << move["segment"][0] << ", " << move["segment"][1] << "]"
        << (move["countered"].get<bool>() ? "  (countered)" : "") << "\n";
  }
  out << "\nrounds " << result->rounds << ", winner: " << json["winner"].get<std::string>()
      << " (root claim " << (result->root_stands ? "stands" : "countered") << ")\nbonds:";
  for (const auto& [name, balance] : bonds.items())
    out << "  " << name << " " << balance.get<std::string>();
  out << "\nhonest agent executed " << honest_trace.steps_executed() << " steps ("
      << static_cast<double>(honest_trace.steps_executed()) / static_cast<double>(length)
      << "x the program)\n";
  return honest_won ? kExitOk : kExitFailure;
}

}  // namespace

int run_game(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
             std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out)
        << "usage: faultline game simulate [options]   play in memory   (see --help)\n"
           "       faultline game play [options]       play on a chain  (see --help)\n";
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "simulate")
    return simulate_command(Arguments(args.begin() + 1, args.end()), backends, out, err);
  if (args[0] == "play")
    return play_command(Arguments(args.begin() + 1, args.end()), backends, out, err);
  err << "faultline game: unknown subcommand '" << args[0] << "' (known: simulate, play)\n";
  return kExitUsage;
}

}  // namespace faultline::cli
