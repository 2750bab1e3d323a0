// `faultline agent`: plays a factory's games on a chain for as long as it runs (see
// chain::ChainAgent), signing with a key from a file or the environment, remembering what it
// has in flight in an SQLite store, logging each move (text or JSON lines) and serving
// Prometheus metrics on 127.0.0.1.
// Boost.Asio 1.74 uses std::exchange without including <utility>.
#include <utility>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "faultline/chain/chain_agent.hpp"
#include "game_setup.hpp"
#include "options.hpp"

namespace faultline::cli {
namespace {

namespace po = boost::program_options;
using chain::AgentEvent;

constexpr const char* kCommand = "faultline agent";
std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int /*signal*/) {
  stop_requested = true;
}

int usage_error(std::ostream& err, const std::string& message) {
  err << kCommand << ": " << message << "\nrun '" << kCommand << " --help' for usage\n";
  return kExitUsage;
}

/// Serves the metrics' text to any HTTP GET on 127.0.0.1:`port`, until the process ends.
class MetricsServer {
 public:
  MetricsServer(chain::AgentMetrics& metrics, unsigned short port)
      : metrics_(metrics), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), port}) {
    thread_ = std::thread([this] { serve(); });
  }
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  ~MetricsServer() {
    // A blocked accept() does not return when its socket is closed: a connection wakes it.
    stopping_ = true;
    boost::system::error_code ignored;
    boost::asio::ip::tcp::socket wake(io_);
    wake.connect({boost::asio::ip::make_address("127.0.0.1"), port()}, ignored);
    thread_.join();
  }
  [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void serve() {
    while (true) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code error;
      acceptor_.accept(socket, error);
      if (stopping_) return;
      if (error) continue;
      char request[1024];
      socket.read_some(boost::asio::buffer(request), error);  // the request line is enough
      const std::string body = metrics_.prometheus_text();
      const std::string reply =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      boost::asio::write(socket, boost::asio::buffer(reply), error);
    }
  }
  chain::AgentMetrics& metrics_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace

int agent_command(const Arguments& args, const BackendCatalog& backends, std::ostream& out,
                  std::ostream& err) {
  po::options_description options("options");
  options.add_options()("backend", po::value<std::string>()->required(),
                        "backend name (see 'faultline info')")(
      "program", po::value<std::string>()->required(), "the game type's program")(
      "input", po::value<std::vector<std::string>>()->composing(),
      "the program's input (FILE, or NAME=FILE for each input of an ONNX model): games over "
      "it are played")("operators-per-step", po::value<Count>()->default_value(Count{1}, "1"),
                       "ONNX: operators one step runs, a part of the prestate")(
      "rpc", po::value<std::string>()->required(), "the Ethereum node's JSON-RPC URL")(
      "factory", po::value<std::string>()->required(), "the DisputeGameFactory's address")(
      "game-type", po::value<Count>()->default_value(Count{0}, "0"), "the game type it plays")(
      "identity-binding", po::value<std::string>(),
      "the IdentityBinding's address: game types whose inner layers it binds (chunks of "
      "steps) are played")(
      "role", po::value<std::string>()->default_value("challenger"),
      "proposer (proposes its claim, defends its games), challenger (counters wrong claims) "
      "or both")("key-file", po::value<std::string>(),
                 "file holding its private key (64 hex digits); else FAULTLINE_AGENT_KEY")(
      "store", po::value<std::string>()->default_value("faultline-agent.db"),
      "its crash-safe store (SQLite), created if missing")(
      "confirmations", po::value<Count>()->default_value(Count{0}, "0"),
      "blocks a new game must be under before it is played")(
      "from-block", po::value<Count>()->default_value(Count{0}, "0"),
      "the first block of the factory's logs to read")(
      "poll-ms", po::value<Count>()->default_value(Count{1000}, "1000"),
      "milliseconds between rounds")("metrics-port", po::value<Count>(),
                                     "serve Prometheus metrics on 127.0.0.1:PORT (0: any port)")(
      "log", po::value<std::string>()->default_value("text"), "text, or json (one object a line)")(
      "exit-when-done", "exit once every game it plays is over and its credit claimed")(
      "help,h", "show this help");
  po::positional_options_description positional;
  positional.add("program", 1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
    if (values.contains("help")) {
      out << "usage: faultline agent --backend NAME PROGRAM [--input FILE | --input NAME=FILE ...] "
             "--rpc URL --factory "
             "ADDRESS\n         [--game-type N] [--identity-binding ADDRESS] [--role "
             "proposer|challenger|both]\n         [--key-file FILE] [--store FILE] "
             "[--metrics-port PORT] [--log text|json] [--exit-when-done]\n\n"
          << options << "\n";
      return kExitOk;
    }
    po::notify(values);
  } catch (const po::error& error) {
    return usage_error(err, error.what());
  }
  const auto fail = [&err](const Error& error) {
    err << kCommand << ": " << error.message << "\n";
    return kExitFailure;
  };
  chain::ChainAgentOptions agent_options;
  const std::string role = values["role"].as<std::string>();
  if (role == "proposer") {
    agent_options.role = chain::AgentRole::proposer;
  } else if (role == "challenger") {
    agent_options.role = chain::AgentRole::challenger;
  } else if (role == "both") {
    agent_options.role = chain::AgentRole::both;
  } else {
    return usage_error(err, "--role must be proposer, challenger or both");
  }
  const std::string log_style = values["log"].as<std::string>();
  if (log_style != "text" && log_style != "json")
    return usage_error(err, "--log must be text or json");
  const auto factory = chain::address_from_hex(values["factory"].as<std::string>());
  if (!factory) return usage_error(err, "--factory is not an address");
  agent_options.factory = *factory;
  if (values.contains("identity-binding")) {
    const auto binding = chain::address_from_hex(values["identity-binding"].as<std::string>());
    if (!binding) return usage_error(err, "--identity-binding is not an address");
    agent_options.identity_binding = *binding;
  }
  agent_options.game_type = values["game-type"].as<Count>().value;
  agent_options.confirmations = values["confirmations"].as<Count>().value;
  agent_options.first_block = values["from-block"].as<Count>().value;
  const auto poll = std::chrono::milliseconds(values["poll-ms"].as<Count>().value);

  auto signer = values.contains("key-file")
                    ? chain::Signer::from_file(values["key-file"].as<std::string>())
                    : chain::Signer::from_environment("FAULTLINE_AGENT_KEY");
  if (!signer) return fail(signer.error());

  const BackendRegistry registry =
      backends.registry({kDefaultMemoryLimitPages, values["operators-per-step"].as<Count>().value});
  auto backend = registry.find(values["backend"].as<std::string>());
  if (!backend) return usage_error(err, backend.error().message);
  auto loaded = load_program(**backend, values);
  if (!loaded) return fail(loaded.error());
  agent_options.input_key = loaded->input_key;
  agent_options.preimages = loaded->oracle.get();
  ExecutorOptions executor_options;
  executor_options.max_checkpoints = 512;
  ProgramExecutor trace(*loaded->program, loaded->oracle, executor_options);

  auto store = chain::AgentStore::open(values["store"].as<std::string>());
  if (!store) return fail(store.error());
  auto rpc = chain::RpcClient::open(values["rpc"].as<std::string>());
  if (!rpc) return fail(rpc.error());
  chain::AccountOptions account_options;
  account_options.errors = chain::dispute_game_errors();
  account_options.before_broadcast = chain::ChainAgent::record_in(*store);
  chain::Account account(*rpc, *signer, account_options);

  const bool json_log = log_style == "json";
  agent_options.on_event = [&out, json_log](const AgentEvent& event) {
    if (json_log) {
      nlohmann::ordered_json line{{"event", chain::agent_event_name(event.kind)}};
      if (event.game != Address{}) line["game"] = chain::to_hex(event.game);
      if (event.node != dispute::kNoNode) line["node"] = event.node, line["depth"] = event.depth;
      line["what"] = event.what;
      if (event.gas != 0) line["gas"] = event.gas;
      if (event.kind == AgentEvent::Kind::move) line["clock_left"] = event.clock_left;
      if (event.amount != 0) line["amount_wei"] = event.amount.str();
      out << line.dump() << std::endl;
      return;
    }
    out << chain::agent_event_name(event.kind);
    if (event.game != Address{}) out << "  game " << chain::to_hex(event.game);
    if (event.node != dispute::kNoNode) out << "  node " << event.node << " depth " << event.depth;
    out << "  " << event.what;
    if (event.gas != 0) out << "  gas " << event.gas;
    if (event.kind == AgentEvent::Kind::move)
      out << "  clock left " << event.clock_left / 3600 << "h " << event.clock_left / 60 % 60
          << "m";
    if (event.amount != 0) out << "  " << event.amount.str() << " wei";
    out << std::endl;
  };
  chain::ChainAgent agent(*rpc, account, *store, trace, agent_options);
  std::optional<MetricsServer> metrics;
  if (values.contains("metrics-port")) {
    const std::uint64_t port = values["metrics-port"].as<Count>().value;
    if (port > 65535) return usage_error(err, "--metrics-port must be below 65536");
    try {
      metrics.emplace(agent.metrics(), static_cast<unsigned short>(port));
    } catch (const boost::system::system_error& error) {
      return fail(Error{Errc::io_error, std::string("cannot serve metrics: ") + error.what()});
    }
    err << kCommand << ": metrics on http://127.0.0.1:" << metrics->port() << "/metrics\n";
  }
  err << kCommand << ": " << chain::to_hex(account.address()) << " plays game type "
      << agent_options.game_type << " of " << chain::to_hex(*factory) << " as " << role << "\n";
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  const auto pause = [&stop = stop_requested](std::chrono::milliseconds time) {
    for (auto waited = std::chrono::milliseconds(0); waited < time && !stop;
         waited += std::chrono::milliseconds(50))
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  // A game type it cannot play ends the agent; a node that is not up yet does not.
  while (!stop_requested) {
    auto prepared = agent.prepare();
    if (prepared) break;
    if (prepared.error().code != Errc::io_error) return fail(prepared.error());
    err << kCommand << ": " << prepared.error().message << " (retrying)\n";
    pause(poll);
  }
  while (!stop_requested) {
    if (auto round = agent.poll(); !round) {
      // Rounds are retried: a node that is down, a reorg or a refused move does not end it.
      ++agent.metrics().errors;
      err << kCommand << ": " << round.error().message << " (retrying)\n";
    } else if (agent.done() && values.contains("exit-when-done")) {
      return kExitOk;
    }
    pause(poll);
  }
  err << kCommand << ": stopped\n";
  return kExitOk;
}

}  // namespace faultline::cli
