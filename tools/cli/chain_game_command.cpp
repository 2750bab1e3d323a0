// `faultline game play`: the game of `game simulate`, played on a chain. The contracts (the
// preimage oracle, the backend's step verifier, the game factory) are deployed on a local
// anvil that the command starts and stops (or on a dev node given by --rpc), the proposer
// creates the game through the factory, and the agents play it by transactions: each move is
// printed as it is mined, with its gas and the mover's clock; at the end the nodes are
// resolved, every party claims its credit, and a summary gives the gas and the payouts.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "commands.hpp"
#include "faultline/chain/anvil.hpp"
#include "faultline/chain/chain_game.hpp"
#include "faultline/chain/deployment.hpp"
#include "faultline/dispute/simulator.hpp"
#include "game_setup.hpp"
#include "options.hpp"

namespace faultline::cli {
namespace {

namespace po = boost::program_options;
using chain::Account;
using chain::ChainGame;
using chain::U256;
using dispute::Scenario;
using Json = nlohmann::ordered_json;

constexpr const char* kCommand = "faultline game play";

/// Wei as ether, exactly: "0.00125 ETH".
std::string ether(const U256& wei) {
  const U256 unit("1000000000000000000");
  std::string fraction = (wei % unit + unit).str().substr(1);
  while (!fraction.empty() && fraction.back() == '0')
    fraction.pop_back();
  return (wei / unit).str() + (fraction.empty() ? "" : "." + fraction) + " ETH";
}

/// "83h 58m" for a clock of seconds.
std::string clock_text(std::uint64_t seconds) {
  return std::to_string(seconds / 3600) + "h " + std::to_string(seconds / 60 % 60) + "m";
}

/// "1 node", "11 nodes".
std::string count(std::uint64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

/// Thousands separated: 128,331.
std::string grouped(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

int usage_error(std::ostream& err, const std::string& message) {
  err << kCommand << ": " << message << "\nrun '" << kCommand << " --help' for usage\n";
  return kExitUsage;
}

}  // namespace

int play_command(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                 std::ostream& err) {
  po::options_description options("options");
  add_game_options(options);
  options.add_options()("unchallenged",
                        "the honest party proposes and nobody challenges: the claim "
                        "stands once its clock runs out")(
      "bond", po::value<Count>()->default_value(Count{1'000'000'000'000'000}, "10^15"),
      "the root claim's bond in wei; a node's bond grows 25 % a level")(
      "max-clock", po::value<Count>()->default_value(Count{302'400}, "302400"),
      "seconds each side may use on a path (3.5 days; anvil's clock is moved, so nobody waits)")(
      "rpc", po::value<std::string>(),
      "a development node (anvil) to play on, with unlocked funded accounts and a clock the "
      "game moves (default: start anvil on 127.0.0.1 and stop it at the end)")(
      "anvil", po::value<std::string>()->default_value(FAULTLINE_DEFAULT_ANVIL),
      "the anvil binary to start")(
      "contracts", po::value<std::string>()->default_value(FAULTLINE_DEFAULT_CONTRACTS),
      "forge's output folder for contracts/ (PreimageOracle.sol/PreimageOracle.json, ...)")(
      "help,h", "show this help");
  po::positional_options_description positional;
  positional.add("program", 1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
    if (values.contains("help")) {
      out << "usage: faultline game play --backend NAME PROGRAM [--input FILE] [--arity K]\n"
             "         [--chunk N] [--dishonest STRATEGY] [--honest-role proposer|challenger]\n"
             "         [--unchallenged] [--rpc URL] [--json]\n\n"
          << options << "\n";
      return kExitOk;
    }
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(err, error.what());
  }
  const bool unchallenged = values.contains("unchallenged");
  if (unchallenged) {
    if (!values["honest-role"].defaulted() && values["honest-role"].as<std::string>() != "proposer")
      return usage_error(err, "--unchallenged plays an honest proposal: --honest-role proposer");
    po::variables_map::iterator role = values.find("honest-role");
    role->second.value() = std::string("proposer");
  }
  const auto fail = [&err](const Error& error) {
    err << kCommand << ": " << error.message << "\n";
    return kExitFailure;
  };
  dispute::GameConfig defaults;
  defaults.max_clock = values["max-clock"].as<Count>().value;
  defaults.clock_extension = std::min<std::uint64_t>(10'800, defaults.max_clock / 4);
  defaults.base_bond = values["bond"].as<Count>().value;
  defaults.bond_growth_percent = 25;
  if (defaults.max_clock < 8) return usage_error(err, "--max-clock must be at least 8 seconds");
  const std::string backend_name = values["backend"].as<std::string>();
  const auto verifier_contract = backends.verifier_contract(backend_name);
  if (!verifier_contract && backends.contains(backend_name)) {
    return usage_error(err, "backend '" + backend_name + "' has no step verifier contract");
  }
  auto artifacts = chain::Artifacts::open(values["contracts"].as<std::string>());
  if (!artifacts) return fail(artifacts.error());
  int exit_code = kExitOk;
  auto setup = prepare_game(values, defaults, backends, kCommand, err, exit_code);
  if (!setup) return exit_code;
  const dispute::GameConfig& config = setup->config;
  const Scenario& scenario = *setup->scenario;
  const bool json_output = values.contains("json");

  // The chain: our own anvil, or the node given.
  std::optional<chain::AnvilProcess> anvil;
  std::string url;
  if (values.contains("rpc")) {
    url = values["rpc"].as<std::string>();
  } else {
    auto started = chain::AnvilProcess::start(values["anvil"].as<std::string>());
    if (!started) return fail(started.error());
    anvil.emplace(std::move(*started));
    url = anvil->url();
  }
  auto rpc = chain::RpcClient::open(url);
  if (!rpc) return fail(rpc.error());
  auto listed = rpc->call("eth_accounts", chain::Json::array());
  if (!listed) return fail(listed.error());
  std::vector<std::unique_ptr<Account>> accounts;
  chain::AccountOptions account_options;
  account_options.errors = chain::dispute_game_errors();
  for (const auto& entry : *listed) {
    const auto address =
        entry.is_string() ? chain::address_from_hex(entry.get<std::string>()) : std::nullopt;
    if (address) accounts.push_back(std::make_unique<Account>(*rpc, *address, account_options));
  }
  const std::vector<dispute::Agent*> all_agents = scenario.agents();
  std::vector<dispute::Agent*> agents = all_agents;
  if (unchallenged) agents.resize(1);  // the honest agent comes first
  dispute::PartyId last_party = 0;
  for (const dispute::Agent* agent : agents)
    last_party = std::max(last_party, agent->id());
  if (accounts.size() <= last_party) {
    return fail(Error{Errc::invalid_argument, url + " has " + std::to_string(accounts.size()) +
                                                  " unlocked accounts; this game needs " +
                                                  std::to_string(last_party + 1)});
  }
  Account& deployer = *accounts[0];

  auto deployment = chain::Deployment::deploy(deployer, *artifacts);
  if (!deployment) return fail(deployment.error());
  chain::AbiEncoder constructor_arguments;
  constructor_arguments.address(deployment->oracle);
  if (verifier_contract->width) constructor_arguments.uint(*verifier_contract->width);
  auto verifier = chain::Deployment::deploy_contract(deployer, *artifacts, verifier_contract->file,
                                                     verifier_contract->contract,
                                                     constructor_arguments.finish());
  if (!verifier) return fail(verifier.error());
  auto game_type = deployment->register_game_type(deployer, *verifier, config);
  if (!game_type) return fail(game_type.error());
  auto block = rpc->call("eth_getBlockByNumber", chain::Json::array({"latest", false}));
  if (!block) return fail(block.error());
  auto latest = chain::quantity((*block)["timestamp"]);
  if (!latest) return fail(latest.error());
  const std::uint64_t start = *latest + 1;
  if (auto timed = rpc->call("evm_setNextBlockTimestamp", chain::Json::array({start})); !timed)
    return fail(timed.error());
  auto created = deployment->create_game(*accounts[scenario.proposer()], *game_type,
                                         scenario.root_claim(), setup->input_key, config.base_bond);
  if (!created) return fail(created.error());

  chain::ChainGameOptions game_options;
  game_options.set_block_time = true;
  game_options.preimages = setup->oracle.get();
  game_options.first_block = created->block_number;
  auto game = ChainGame::open(*rpc, created->address, config, game_options);
  if (!game) return fail(game.error());
  for (const dispute::Agent* agent : all_agents)
    game->add_party(agent->id(), *accounts[agent->id()]);
  std::map<dispute::PartyId, std::string> names = scenario.names();

  if (!json_output) {
    out << "chain " << url << (anvil ? " (anvil, started for this game)" : "") << "\n"
        << "contracts: oracle " << chain::to_hex(deployment->oracle) << ", factory "
        << chain::to_hex(deployment->factory) << ", " << verifier_contract->contract << " "
        << chain::to_hex(*verifier) << "\n"
        << "program: " << setup->program_path << ", " << setup->length << " steps ("
        << setup->backend->name() << "); k = " << config.arity << ", d = " << config.max_depth;
    if (setup->chunk > 1) out << ", chunks of " << setup->chunk << " steps (two layers)";
    out << "\nhonest party is the " << setup->role << "; "
        << (unchallenged ? std::string("nobody challenges") : "adversary: " + setup->strategy)
        << "\ngame " << chain::to_hex(created->address) << " created (gas "
        << grouped(created->gas_used) << ")\n\nmoves:\n";
  }
  // Each node as it is mined, with the gas of its transaction and the mover's clock.
  std::size_t printed = 0, sent_seen = 0;
  std::map<dispute::NodeId, std::uint64_t> move_gas;
  std::uint64_t preimage_gas = 0, preimage_loads = 0;
  const auto report = [&]() {
    for (; sent_seen < game->sent().size(); ++sent_seen) {
      const ChainGame::Sent& sent = game->sent()[sent_seen];
      if (sent.kind == ChainGame::Sent::Kind::load_preimage) {
        preimage_gas += sent.gas;
        ++preimage_loads;
      } else if (sent.kind != ChainGame::Sent::Kind::resolve) {
        move_gas[sent.node] = sent.gas;
      }
    }
    for (; printed < game->nodes().size(); ++printed) {
      const auto id = static_cast<dispute::NodeId>(printed);
      const dispute::Node& node = game->node(id);
      if (json_output) continue;
      out << "  t+" << clock_text(node.created_at - start) << "  node " << id << "  depth "
          << node.depth << "  " << names[node.claimant] << "  ";
      if (id == 0) {
        out << "root claim";
      } else {
        out << (node.is_step ? "step" : "counter") << " on node " << node.parent << " piece "
            << node.piece;
      }
      out << (node.layer > 0 ? "  layer " + std::to_string(node.layer) : std::string()) << "  ["
          << node.lo << ", " << node.hi << "]";
      const auto gas = move_gas.find(id);
      if (gas != move_gas.end()) out << "  gas " << grouped(gas->second);
      out << "  clock left " << clock_text(config.max_clock - node.clock) << "\n";
    }
    out.flush();
  };
  report();
  const auto started = std::chrono::steady_clock::now();
  auto result = dispute::simulate(*game, agents, start, 3600, 1'000'000,
                                  [&report](const dispute::SimulationResult&) { report(); });
  if (!result) return fail(result.error());
  report();
  const bool honest_won = result->root_stands == setup->cast.honest_proposes;

  // Payouts: every party claims its credit.
  struct Payout {
    std::string name;
    U256 paid_in = 0, credit = 0;
    std::uint64_t claim_gas = 0;
  };
  std::map<dispute::PartyId, Payout> payouts;
  for (const dispute::Node& node : game->nodes())
    payouts[node.claimant].paid_in += node.bond;
  for (const dispute::Agent* agent : agents) {
    Payout& payout = payouts[agent->id()];
    payout.name = names[agent->id()];
    auto credit = game->credit(agent->id());
    if (!credit) return fail(credit.error());
    payout.credit = *credit;
    if (*credit == 0) continue;
    Account& account = *accounts[agent->id()];
    auto claimed =
        account.send(created->address,
                     chain::AbiEncoder("claimCredit(address)").address(account.address()).finish());
    if (!claimed) return fail(claimed.error());
    payout.claim_gas = claimed->gas_used;
  }
  auto balance =
      rpc->call("eth_getBalance", chain::Json::array({chain::to_hex(created->address), "latest"}));
  if (!balance) return fail(balance.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::uint64_t counters = 0, steps = 0, move_total = 0, resolve_total = 0, resolves = 0;
  for (const ChainGame::Sent& sent : game->sent()) {
    if (sent.kind == ChainGame::Sent::Kind::counter) ++counters, move_total += sent.gas;
    if (sent.kind == ChainGame::Sent::Kind::step) ++steps, move_total += sent.gas;
    if (sent.kind == ChainGame::Sent::Kind::resolve) ++resolves, resolve_total += sent.gas;
  }
  std::uint64_t claim_total = 0, claims = 0;
  for (const auto& [party, payout] : payouts) {
    if (payout.claim_gas != 0) ++claims, claim_total += payout.claim_gas;
  }
  const std::uint64_t total =
      created->gas_used + move_total + preimage_gas + resolve_total + claim_total;
  const std::uint64_t transactions = 1 + counters + steps + preimage_loads + resolves + claims;

  if (json_output) {
    Json json;
    json["backend"] = setup->backend->name();
    json["program_steps"] = setup->length;
    json["arity"] = config.arity;
    json["depth"] = config.max_depth;
    if (setup->chunk > 1) json["chunk"] = setup->chunk;
    json["honest_role"] = setup->role;
    json["dishonest"] = unchallenged ? "none" : setup->strategy;
    json["game"] = chain::to_hex(created->address);
    json["moves"] = Json::array();
    for (dispute::NodeId id = 0; id < game->nodes().size(); ++id) {
      const dispute::Node& node = game->node(id);
      Json move{{"node", id},
                {"time", node.created_at - start},
                {"party", names[node.claimant]},
                {"kind", id == 0        ? "root"
                         : node.is_step ? "step"
                                        : "counter"},
                {"depth", node.depth},
                {"layer", node.layer},
                {"segment", {node.lo, node.hi}},
                {"countered", node.countered},
                {"clock_left", config.max_clock - node.clock}};
      if (node.parent != dispute::kNoNode) move["target"] = node.parent, move["piece"] = node.piece;
      const auto gas = move_gas.find(id);
      move["gas"] = id == 0 ? created->gas_used : gas == move_gas.end() ? 0 : gas->second;
      json["moves"].push_back(move);
    }
    json["gas"] = Json{{"create", created->gas_used},    {"moves", move_total},
                       {"preimage_loads", preimage_gas}, {"resolutions", resolve_total},
                       {"credit_claims", claim_total},   {"total", total},
                       {"transactions", transactions}};
    json["winner"] = honest_won ? "honest" : "dishonest";
    json["root_stands"] = result->root_stands;
    json["payouts"] = Json::object();
    for (const auto& [party, payout] : payouts) {
      json["payouts"][payout.name] =
          Json{{"bonds_paid_in_wei", payout.paid_in.str()}, {"paid_out_wei", payout.credit.str()}};
    }
    json["game_balance_after_claims"] = (*balance).get<std::string>();
    json["game_seconds"] = seconds;
    out << json.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return honest_won ? kExitOk : kExitFailure;
  }
  out << "\nresolved " << count(resolves, "node") << " (gas " << grouped(resolve_total)
      << "); root claim " << (result->root_stands ? "stands" : "countered") << ": the "
      << (honest_won ? "honest party wins" : "honest party LOSES") << "\n"
      << "\nsummary: " << count(counters + steps, "move") << " (" << count(counters, "counter")
      << ", " << count(steps, "step") << ")";
  if (counters + steps > 0)
    out << ", " << grouped(move_total / (counters + steps)) << " gas per move on average";
  out << "\n  gas: create " << grouped(created->gas_used) << ", moves " << grouped(move_total)
      << ", preimage loads " << grouped(preimage_gas) << " (" << preimage_loads << "), resolutions "
      << grouped(resolve_total) << ", credit claims " << grouped(claim_total) << "\n  total "
      << grouped(total) << " gas in " << count(transactions, "transaction") << ", "
      << count(result->rounds, "round") << " of an hour of chain time, " << std::fixed
      << std::setprecision(2) << seconds << " s\n"
      << "  bonds:";
  for (const auto& [party, payout] : payouts) {
    out << "\n    " << payout.name << ": paid in " << ether(payout.paid_in) << ", paid out "
        << ether(payout.credit);
  }
  out << "\n  game balance after every claim: " << ether(U256(balance->get<std::string>())) << "\n";
  return honest_won ? kExitOk : kExitFailure;
}

}  // namespace faultline::cli
