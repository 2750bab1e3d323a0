// `faultline agent` against liars on anvil, killed with SIGKILL again and again: every time it
// restarts it settles what it had in flight and goes on from the chain's state, and it wins
// every game without a lost or doubled move. A reorg (anvil's evm_revert) that removes its
// moves is noticed and the moves are made again.
// Boost.Asio 1.74 uses std::exchange without including <utility>.
#include <utility>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "dispute_chain.hpp"
#include "faultline/chain/anvil.hpp"
#include "faultline/chain/chain_game.hpp"
#include "faultline/chain/deployment.hpp"
#include "faultline/dispute/agents.hpp"
#include "faultline/dispute/scenario.hpp"
#include "faultline/file.hpp"
#include "faultline/program_executor.hpp"
#include "faultline/riscv/backend.hpp"

namespace {

using namespace faultline;
using namespace faultline::chain;
using namespace std::chrono_literals;
using dispute::GameConfig;
using dispute::Node;

constexpr const char* kHonestKey =  // anvil's dev account 1
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
constexpr const char* kHonestAddress = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
constexpr const char* kLiarAddress = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
constexpr const char* kProgram = FAULTLINE_RISCV64_GUEST_DIR "/fib.elf";

/// The agent as a child process, its output appended to a log file.
class AgentProcess {
 public:
  AgentProcess(std::vector<std::string> args, std::string log)
      : args_(std::move(args)), log_(std::move(log)) {}
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;
  ~AgentProcess() { kill_now(); }

  void start() {
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      setenv("FAULTLINE_AGENT_KEY", kHonestKey, 1);
      std::vector<char*> argv;
      for (std::string& arg : args_)
        argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  /// The exit code once it has exited by itself, or nullopt while it runs.
  std::optional<int> exited() {
    if (pid_ <= 0) return std::nullopt;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  [[nodiscard]] bool running() const { return pid_ > 0; }

 private:
  std::vector<std::string> args_;
  std::string log_;
  pid_t pid_ = -1;
};

std::string tail(const std::string& path) {
  std::ifstream file(path);
  std::string all((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

std::string tail_all(const std::string& path) {
  std::ifstream file(path);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

/// A store and a log for one test, "NAME.db" and "NAME.log", left over by no earlier run.
std::pair<std::string, std::string> fresh_files(const std::string& name) {
  for (const char* suffix : {".db", ".db-wal", ".db-shm", ".log"})
    std::filesystem::remove(name + suffix);
  return {name + ".db", name + ".log"};
}

struct Setup {
  AnvilProcess anvil = std::move(AnvilProcess::start(FAULTLINE_ANVIL).value());
  RpcClient rpc = *RpcClient::open(anvil.url());
  std::unique_ptr<Account> deployer, liar;
  Deployment deployment;
  std::uint64_t game_type = 0;
  GameConfig config;
  std::shared_ptr<InMemoryPreimageOracle> oracle = std::make_shared<InMemoryPreimageOracle>();
  Hash input_key{};
  std::unique_ptr<Program> program;
  std::unique_ptr<ProgramExecutor> truth;

  Setup() {
    AccountOptions options;
    options.errors = dispute_game_errors();
    deployer =
        std::make_unique<Account>(rpc, *address_from_hex(AnvilProcess::kDevAccount), options);
    liar = std::make_unique<Account>(rpc, *address_from_hex(kLiarAddress), options);
    const auto artifacts = Artifacts::open(FAULTLINE_CONTRACTS_OUT);
    REQUIRE(artifacts.ok());
    auto deployed = Deployment::deploy(*deployer, *artifacts);
    REQUIRE(deployed.ok());
    deployment = *deployed;
    auto verifier = Deployment::deploy_contract(
        *deployer, *artifacts, "RiscvStepVerifier.sol", "RiscvStepVerifier",
        AbiEncoder().address(deployment.oracle).uint(64).finish());
    REQUIRE(verifier.ok());
    const auto backend = riscv::make_backend(64);
    auto loaded = backend->load(*read_file(kProgram));
    REQUIRE(loaded.ok());
    program = std::move(*loaded);
    input_key = oracle->set_program_input({});
    truth = std::make_unique<ProgramExecutor>(*program, oracle);
    auto end = truth->machine_at(std::uint64_t{1} << 32);
    REQUIRE(end.ok());
    config.arity = 2;
    config.max_depth = dispute::depth_for((*end)->step_count(), 2);
    config.max_clock = 86'400;
    config.clock_extension = 3'600;
    config.base_bond = 1'000'000'000'000'000;
    config.absolute_prestate = program->absolute_prestate();
    auto type = deployment.register_game_type(*deployer, *verifier, config);
    REQUIRE(type.ok());
    game_type = *type;
  }

  /// A second game type over the same program: chunks of `chunk` steps (a power of 2), then
  /// the steps of the disputed chunk, bound by the deployment's identity binding.
  std::pair<std::uint64_t, GameConfig> register_chunked(std::uint64_t chunk) {
    GameConfig chunked = config;
    const unsigned inner_depth = dispute::depth_for(chunk, 2);
    chunked.max_depth = dispute::depth_for((config.trace_length() + chunk - 1) / chunk, 2);
    chunked.inner_layers = {dispute::chunk_layer(2, inner_depth)};
    auto verifier = Deployment::deploy_contract(
        *deployer, *Artifacts::open(FAULTLINE_CONTRACTS_OUT), "RiscvStepVerifier.sol",
        "RiscvStepVerifier", AbiEncoder().address(deployment.oracle).uint(64).finish());
    REQUIRE(verifier.ok());
    auto type = deployment.register_game_type(*deployer, *verifier, chunked);
    REQUIRE(type.ok());
    return {*type, chunked};
  }

  std::uint64_t now() {
    auto block = rpc.call("eth_getBlockByNumber", Json::array({"latest", false}));
    REQUIRE(block.ok());
    return *quantity((*block)["timestamp"]);
  }

  std::vector<std::string> agent_args(const std::string& store,
                                      const std::string& role = "challenger") const {
    return {FAULTLINE_CLI,
            "agent",
            "--backend",
            "riscv64",
            kProgram,
            "--rpc",
            anvil.url(),
            "--factory",
            to_hex(deployment.factory),
            "--game-type",
            std::to_string(game_type),
            "--role",
            role,
            "--store",
            store,
            "--poll-ms",
            "20",
            "--log",
            "json",
            "--exit-when-done"};
  }
};

/// A liar's game: its own ChainGame mirror and a TraceAgent over a lying view of the trace.
struct LiarGame {
  std::unique_ptr<dispute::LyingTrace> view;
  std::unique_ptr<dispute::TraceAgent> player;
  std::unique_ptr<ChainGame> game;
};

/// Lets the liar move as soon as it can while the agent runs, and once nobody has moved for 3 s
/// runs the clocks out (anvil's time travel). The agent's exit code, if it exits within 120 s.
std::optional<int> play_out(Setup& chain, ChainGame& game, dispute::TraceAgent& liar,
                            AgentProcess& agent, std::uint64_t max_clock) {
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  bool clocks_run_out = false;
  std::optional<int> exit_code;
  auto last_change = std::chrono::steady_clock::now();
  std::size_t last_nodes = 0;
  while (!exit_code && std::chrono::steady_clock::now() < deadline) {
    REQUIRE(game.sync().ok());
    liar.act(game, chain.now());
    const std::size_t nodes = game.nodes().size();
    if (nodes != last_nodes) last_nodes = nodes, last_change = std::chrono::steady_clock::now();
    if (!clocks_run_out && std::chrono::steady_clock::now() - last_change > 3s) {
      REQUIRE(chain.rpc.call("evm_increaseTime", Json::array({max_clock + 1})).ok());
      REQUIRE(chain.rpc.call("evm_mine", Json::array()).ok());
      clocks_run_out = true;
    }
    exit_code = agent.exited();
    std::this_thread::sleep_for(20ms);
  }
  return exit_code;
}

}  // namespace

TEST_CASE("the agent survives SIGKILL at every point and wins every game, no move lost or doubled",
          "[slow]") {
  Setup chain;
  const auto [store, log] = fresh_files("agent_test");
  // Three liars' games, lying from different steps.
  const std::uint64_t length = chain.config.trace_length();
  std::vector<LiarGame> games;
  for (const std::uint64_t lie : {length / 3, length / 2, length - 5}) {
    LiarGame liar;
    liar.view = std::make_unique<dispute::LyingTrace>(*chain.truth,
                                                      dispute::LyingTrace::Pattern::from, lie);
    auto root = liar.view->claim_at(length);
    REQUIRE(root.ok());
    auto created = chain.deployment.create_game(*chain.liar, chain.game_type, *root,
                                                chain.input_key, chain.config.base_bond);
    REQUIRE(created.ok());
    ChainGameOptions options;
    options.first_block = created->block_number;
    auto game = ChainGame::open(chain.rpc, created->address, chain.config, options);
    REQUIRE(game.ok());
    liar.game = std::make_unique<ChainGame>(std::move(*game));
    liar.game->add_party(2, *chain.liar);
    liar.player = std::make_unique<dispute::TraceAgent>(2, *liar.view, "liar");
    games.push_back(std::move(liar));
  }

  AgentProcess agent(chain.agent_args(store), log);
  std::mt19937 rng(20261203);
  std::size_t kills = 0;
  bool clocks_run_out = false;
  std::optional<int> exit_code;
  auto last_change = std::chrono::steady_clock::now();
  std::size_t last_nodes = 0;
  const auto deadline = std::chrono::steady_clock::now() + 180s;
  agent.start();
  auto kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(20 + rng() % 200);
  while (!exit_code && std::chrono::steady_clock::now() < deadline) {
    // The liars move as soon as they can.
    std::size_t nodes = 0;
    for (LiarGame& liar : games) {
      REQUIRE(liar.game->sync().ok());
      liar.player->act(*liar.game, chain.now());
      nodes += liar.game->nodes().size();
    }
    if (nodes != last_nodes) last_nodes = nodes, last_change = std::chrono::steady_clock::now();
    // SIGKILL at random moments (moves, resolutions, claims, start-up), then a restart.
    if (std::chrono::steady_clock::now() >= kill_at && kills < 40) {
      agent.kill_now();
      ++kills;
      agent.start();
      kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(20 + rng() % 200);
    }
    // Once nobody has moved for a while, the clocks run out (anvil's time travel).
    if (!clocks_run_out && std::chrono::steady_clock::now() - last_change > 3s) {
      REQUIRE(chain.rpc.call("evm_increaseTime", Json::array({chain.config.max_clock + 1})).ok());
      REQUIRE(chain.rpc.call("evm_mine", Json::array()).ok());
      clocks_run_out = true;
    }
    exit_code = agent.exited();
    if (!exit_code && !agent.running()) agent.start();
    std::this_thread::sleep_for(20ms);
  }
  INFO(tail(log));
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
  CHECK(kills >= 20);
  const Address honest = *address_from_hex(kHonestAddress);
  for (LiarGame& liar : games) {
    REQUIRE(liar.game->sync().ok());
    const auto& nodes = liar.game->nodes();
    CHECK(liar.game->resolved());
    CHECK_FALSE(liar.game->root_stands());
    // No doubled move: the honest agent answered each (node, piece) at most once.
    std::set<std::pair<dispute::NodeId, unsigned>> answered;
    std::size_t honest_moves = 0;
    for (const Node& node : nodes) {
      if (node.claimant == 2 || node.parent == dispute::kNoNode) continue;
      ++honest_moves;
      CHECK(answered.insert({node.parent, node.piece}).second);
    }
    CHECK(honest_moves > 0);
    // Paid: the honest agent claimed everything; the game holds nothing of it.
    auto credit = chain.deployer->view(liar.game->address(),
                                       AbiEncoder("credit(address)").address(honest).finish());
    REQUIRE(credit.ok());
    CHECK(*AbiDecoder(*credit).uint(0) == 0);
  }
  // Kills are not errors: every round it ran went through.
  const std::string all = tail_all(log);
  CHECK(count(all, "\"event\":\"error\"") == 0);
  WARN(kills << " kills, " << count(all, "in flight at a restart")
             << " of them with a transaction in flight");
}

TEST_CASE("the agent notices a reorg that removes its moves and makes them again", "[slow]") {
  Setup chain;
  const auto [store, log] = fresh_files("agent_reorg");
  const std::uint64_t length = chain.config.trace_length();
  dispute::LyingTrace view(*chain.truth, dispute::LyingTrace::Pattern::from, length / 2);
  auto root = view.claim_at(length);
  REQUIRE(root.ok());
  auto created = chain.deployment.create_game(*chain.liar, chain.game_type, *root, chain.input_key,
                                              chain.config.base_bond);
  REQUIRE(created.ok());
  auto snapshot = chain.rpc.call("evm_snapshot", Json::array());
  REQUIRE(snapshot.ok());
  const auto open_game = [&]() {
    ChainGameOptions options;
    options.first_block = created->block_number;
    auto game = ChainGame::open(chain.rpc, created->address, chain.config, options);
    REQUIRE(game.ok());
    auto mirror = std::make_unique<ChainGame>(std::move(*game));
    mirror->add_party(2, *chain.liar);
    return mirror;
  };
  auto game = open_game();
  auto liar = std::make_unique<dispute::TraceAgent>(2, view, "liar");

  AgentProcess agent(chain.agent_args(store), log);
  agent.start();
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  bool reorged = false, clocks_run_out = false;
  std::optional<int> exit_code;
  auto last_change = std::chrono::steady_clock::now();
  std::size_t last_nodes = 0;
  while (!exit_code && std::chrono::steady_clock::now() < deadline) {
    REQUIRE(game->sync().ok());
    liar->act(*game, chain.now());
    const std::size_t nodes = game->nodes().size();
    if (nodes != last_nodes) last_nodes = nodes, last_change = std::chrono::steady_clock::now();
    if (!reorged && nodes >= 5) {
      // Back to the block of the game's creation, and a few other blocks on top: the agent's
      // two counters are gone.
      REQUIRE(chain.rpc.call("evm_revert", Json::array({*snapshot})).ok());
      for (int i = 0; i < 3; ++i)
        REQUIRE(chain.rpc.call("evm_mine", Json::array()).ok());
      chain.liar->reset_nonce();  // its moves went with the blocks
      game = open_game();
      REQUIRE(game->nodes().size() == 1);
      liar = std::make_unique<dispute::TraceAgent>(2, view, "liar");
      reorged = true;
      last_nodes = 1;
    }
    if (reorged && !clocks_run_out && std::chrono::steady_clock::now() - last_change > 3s) {
      REQUIRE(chain.rpc.call("evm_increaseTime", Json::array({chain.config.max_clock + 1})).ok());
      REQUIRE(chain.rpc.call("evm_mine", Json::array()).ok());
      clocks_run_out = true;
    }
    exit_code = agent.exited();
    std::this_thread::sleep_for(20ms);
  }
  const std::string all = tail_all(log);
  INFO(tail(log));
  REQUIRE(reorged);
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
  CHECK(count(all, "reorg below block") >= 1);
  // The only failed round allowed: a move sent after the reorg, before the agent saw it, with
  // a nonce past the ones the reorg took: it waits behind a gap, and the next round sends
  // again with the node's count.
  std::istringstream lines(all);
  std::size_t errors = 0, gaps = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"event\":\"error\"") == std::string::npos) continue;
    ++errors;
    if (line.find("which no transaction of the account fills") != std::string::npos) ++gaps;
  }
  CHECK(errors == gaps);
  REQUIRE(game->sync().ok());
  CHECK(game->resolved());
  CHECK_FALSE(game->root_stands());
  // The game went on after the reorg, down to the end, with every move made again.
  CHECK(game->nodes().size() > 5);
}

TEST_CASE("the agent wins when the node drops its transactions or they are replaced", "[slow]") {
  Setup chain;
  const auto [store, log] = fresh_files("agent_faults");
  const std::uint64_t length = chain.config.trace_length();
  dispute::LyingTrace view(*chain.truth, dispute::LyingTrace::Pattern::from, length / 2);
  auto root = view.claim_at(length);
  REQUIRE(root.ok());
  auto created = chain.deployment.create_game(*chain.liar, chain.game_type, *root, chain.input_key,
                                              chain.config.base_bond);
  REQUIRE(created.ok());
  ChainGameOptions options;
  options.first_block = created->block_number;
  auto opened = ChainGame::open(chain.rpc, created->address, chain.config, options);
  REQUIRE(opened.ok());
  ChainGame game = std::move(*opened);
  game.add_party(2, *chain.liar);
  dispute::TraceAgent liar(2, view, "liar");

  // From now on blocks are mined by hand; of the agent's first 15 transactions, one in three
  // is dropped from the pool and one in three replaced by its key's owner (a better-paid
  // transfer to itself with the same nonce).
  auto chain_id = chain.rpc.call("eth_chainId", Json::array());
  REQUIRE(chain_id.ok());
  const Signer owner = *Signer::from_key(*hash_from_hex(kHonestKey));
  std::set<std::string> seen;
  std::atomic<unsigned> dropped{0}, replaced{0};
  const auto fault = [&](RpcClient& rpc) {
    auto pool = rpc.call("txpool_content", Json::array());
    if (!pool.ok() || !pool->contains("pending")) return;
    for (const auto& [from, transactions] : (*pool)["pending"].items()) {
      if (*address_from_hex(from) != owner.address()) continue;
      for (const auto& [nonce, transaction] : transactions.items()) {
        const std::string hash = transaction.value("hash", "");
        if (seen.size() >= 15 || !seen.insert(hash).second) continue;
        if (seen.size() % 3 == 1) {
          if (rpc.call("anvil_dropTransaction", Json::array({hash})).ok()) ++dropped;
        } else if (seen.size() % 3 == 2) {
          Transaction cancel;
          cancel.chain_id = *quantity(*chain_id);
          cancel.nonce = std::stoull(nonce);
          cancel.max_priority_fee_per_gas = U256("100000000000");
          cancel.max_fee_per_gas = U256("200000000000");
          cancel.gas_limit = 21'000;
          cancel.to = owner.address();
          const Bytes raw = sign_transaction(cancel, owner);
          if (rpc.call("eth_sendRawTransaction", Json::array({to_hex(raw)})).ok()) ++replaced;
        }
      }
    }
  };
  test::HandMiner miner(chain.anvil.url(), fault);

  AgentProcess agent(chain.agent_args(store), log);
  agent.start();
  const std::optional<int> exit_code = play_out(chain, game, liar, agent, chain.config.max_clock);
  const std::string all = tail_all(log);
  INFO(tail(log));
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
  CHECK(dropped >= 4);
  CHECK(replaced >= 4);
  // A replaced move is a failed round, made again in the next one.
  CHECK(count(all, "was replaced or dropped") >= 1);
  REQUIRE(game.sync().ok());
  CHECK(game.resolved());
  CHECK_FALSE(game.root_stands());
  std::set<std::pair<dispute::NodeId, unsigned>> answered;
  for (const Node& node : game.nodes()) {
    if (node.claimant == 2 || node.parent == dispute::kNoNode) continue;
    CHECK(answered.insert({node.parent, node.piece}).second);
  }
  WARN(dropped << " dropped, " << replaced << " replaced");
}

TEST_CASE("the agent plays a layered game type: chunks of steps, then the steps of one chunk",
          "[slow]") {
  Setup chain;
  const auto [type, config] = chain.register_chunked(64);
  const auto [store, log] = fresh_files("agent_layers");
  std::vector<std::string> args = chain.agent_args(store);
  const auto type_at = std::find(args.begin(), args.end(), "--game-type") + 1;
  *type_at = std::to_string(type);

  // Without the identity binding it trusts, the agent refuses the game type.
  {
    AgentProcess refused(args, log);
    refused.start();
    std::optional<int> exit_code;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!exit_code && std::chrono::steady_clock::now() < deadline) {
      exit_code = refused.exited();
      std::this_thread::sleep_for(20ms);
    }
    REQUIRE(exit_code.has_value());
    CHECK(*exit_code != 0);
    CHECK_THAT(tail_all(log), Catch::Contains("not by the identity binding the agent was given"));
  }

  const std::uint64_t whole = config.trace_length() * 64;
  dispute::LyingTrace lies(*chain.truth, dispute::LyingTrace::Pattern::from, whole / 2 + 3);
  const dispute::ChunkedTraces liar_view(lies, config);
  auto root = liar_view.first_layer().claim_at(config.trace_length());
  REQUIRE(root.ok());
  auto created =
      chain.deployment.create_game(*chain.liar, type, *root, chain.input_key, config.base_bond);
  REQUIRE(created.ok());
  ChainGameOptions options;
  options.first_block = created->block_number;
  auto opened = ChainGame::open(chain.rpc, created->address, config, options);
  REQUIRE(opened.ok());
  ChainGame game = std::move(*opened);
  game.add_party(2, *chain.liar);
  dispute::TraceAgent liar(2, liar_view.first_layer(), "liar", dispute::TraceAgent::Timing::prompt,
                           liar_view.inner());

  args.insert(args.end(), {"--identity-binding", to_hex(chain.deployment.identity_binding)});
  AgentProcess agent(args, log);
  agent.start();
  const std::optional<int> exit_code = play_out(chain, game, liar, agent, config.max_clock);
  INFO(tail(log));
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
  REQUIRE(game.sync().ok());
  CHECK(game.resolved());
  CHECK_FALSE(game.root_stands());
  // The dispute went through the chunk layer into the steps of one chunk.
  bool inner = false;
  for (const Node& node : game.nodes())
    inner = inner || node.layer == 1;
  CHECK(inner);
}

namespace {

/// GET http://127.0.0.1:`port`/metrics, the whole reply.
std::string http_get(unsigned short port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code error;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, error);
  if (error) return {};
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request), error);
  std::string reply;
  char buffer[4096];
  while (true) {
    const std::size_t got = socket.read_some(boost::asio::buffer(buffer), error);
    reply.append(buffer, got);
    if (error) break;
  }
  return reply;
}

}  // namespace

TEST_CASE("the agent as proposer: proposes its claim once, wins it unchallenged, serves metrics",
          "[slow]") {
  Setup chain;
  const auto [store, log] = fresh_files("agent_proposer");
  std::vector<std::string> args = chain.agent_args(store, "proposer");
  args.insert(args.end(), {"--metrics-port", "0"});
  AgentProcess agent(args, log);
  agent.start();
  // Killed twice while it starts and proposes: still one proposal.
  std::this_thread::sleep_for(150ms);
  agent.kill_now();
  agent.start();
  std::this_thread::sleep_for(300ms);
  agent.kill_now();
  agent.start();
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  std::string metrics;
  bool clocks_run_out = false;
  std::optional<int> exit_code;
  while (!exit_code && std::chrono::steady_clock::now() < deadline) {
    const std::string all = tail_all(log);
    const auto games = count(all, "\"event\":\"game_found\"");
    const bool live = metrics.find("faultline_agent_games_live 1") != std::string::npos;
    if (games > 0 && !live) {
      // The metrics of the agent now running (the last to start), once it plays the game.
      const auto at = all.rfind("metrics on http://127.0.0.1:");
      if (at != std::string::npos) {
        const auto port = std::stoi(all.substr(at + 28));
        metrics = http_get(static_cast<unsigned short>(port));
      }
    }
    if (live && !clocks_run_out) {
      REQUIRE(chain.rpc.call("evm_increaseTime", Json::array({chain.config.max_clock + 1})).ok());
      REQUIRE(chain.rpc.call("evm_mine", Json::array()).ok());
      clocks_run_out = true;
    }
    exit_code = agent.exited();
    std::this_thread::sleep_for(20ms);
  }
  const std::string all = tail_all(log);
  INFO(all);
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
  CHECK(count(all, "\"event\":\"proposed\"") == 1);
  CHECK(count(all, "\"event\":\"game_found\"") >= 1);
  CHECK_THAT(all, Catch::Contains("game over: the root claim stands"));
  CHECK_THAT(metrics, Catch::StartsWith("HTTP/1.1 200 OK"));
  CHECK_THAT(metrics, Catch::Contains("# TYPE faultline_agent_games_live gauge"));
  CHECK_THAT(metrics, Catch::Contains("faultline_agent_games_live 1"));
  CHECK_THAT(metrics, Catch::Contains("faultline_agent_bonds_at_risk_wei 1000000000000000"));
  // One game on the chain: the factory's list has one entry.
  auto games = chain.deployer->view(chain.deployment.factory, AbiEncoder("gameCount()").finish());
  REQUIRE(games.ok());
  CHECK(*AbiDecoder(*games).uint64(0) == 1);
}
