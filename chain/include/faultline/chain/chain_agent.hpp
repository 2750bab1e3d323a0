// The agent that plays a factory's games on a chain for as long as it runs: it finds the games
// of one game type over its program's input in the factory's logs (once they have enough
// confirmations), proposes its own claim if asked, plays every game its role covers with the
// honest dispute::TraceAgent through ChainGame (loading the preimage parts its steps read),
// resolves what can be resolved and claims its credit. What it must not forget, the
// transactions it may have in flight, is in an AgentStore written before each broadcast, so a
// restarted agent first settles them and never posts a move twice.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "faultline/chain/agent_store.hpp"
#include "faultline/chain/chain_game.hpp"
#include "faultline/dispute/agents.hpp"
#include "faultline/dispute/scenario.hpp"

namespace faultline::chain {

enum class AgentRole : std::uint8_t {
  proposer,    ///< proposes its claim and defends the games it proposed
  challenger,  ///< counters every game whose root claim is wrong
  both,        ///< proposes, and plays every game
};

/// Something the agent did or met, for its log.
struct AgentEvent {
  enum class Kind : std::uint8_t { game_found, proposed, move, resolved, credit, error, note };
  Kind kind = Kind::note;
  Address game{};
  dispute::NodeId node = dispute::kNoNode;
  unsigned depth = 0;
  std::string what;  ///< "counter", "step", "resolve", ... or the message
  std::uint64_t gas = 0;
  std::uint64_t clock_left = 0;  ///< the agent's clock left in the game, seconds
  U256 amount = 0;               ///< credit claimed, wei
};
[[nodiscard]] std::string_view agent_event_name(AgentEvent::Kind kind) noexcept;

/// The agent's counters, in Prometheus's text format.
struct AgentMetrics {
  std::atomic<std::uint64_t> counters{0}, steps{0}, resolutions{0}, preimage_loads{0};
  std::atomic<std::uint64_t> games_found{0}, games_live{0}, games_finished{0}, errors{0};
  /// The least clock it has left on a node it has not answered, over the games it plays.
  std::atomic<std::uint64_t> clock_remaining_seconds{0};
  std::atomic<std::uint64_t> gas_used{0};
  /// Amounts of wei (128 bits, so a mutex rather than atomics).
  mutable std::mutex wei_mutex;
  dispute::Wei bonds_at_risk_wei = 0;  ///< of its unresolved nodes
  dispute::Wei credit_claimed_wei = 0;
  [[nodiscard]] std::string prometheus_text() const;
};

struct ChainAgentOptions {
  Address factory{};
  std::uint64_t game_type = 0;
  AgentRole role = AgentRole::challenger;
  /// The program input its trace is of: games over another input are not its business.
  Hash input_key{};
  /// Factory logs are read up to the head minus this many blocks.
  std::uint64_t confirmations = 0;
  /// The first block to read the factory's logs from (where it was deployed).
  std::uint64_t first_block = 0;
  /// Where its steps' preimages come from (see ChainGameOptions).
  const PreimageOracle* preimages = nullptr;
  /// The identity binding (IdentityBinding.sol) it trusts: a game type whose inner layers are
  /// all bound by it is chunks of the program's steps, which the agent plays; one with any
  /// other binding is refused.
  std::optional<Address> identity_binding;
  std::function<void(const AgentEvent&)> on_event;
};

class ChainAgent {
 public:
  /// `account` must record every signed transaction in `store` before it is broadcast
  /// (AccountOptions::before_broadcast, see record_in()); `trace` is the honest trace of the
  /// game type's program over the options' input, step by step (in a layered game type its
  /// layers see it in chunks). All must outlive the agent.
  ChainAgent(RpcClient& rpc, Account& account, AgentStore& store, TraceProvider& trace,
             ChainAgentOptions options);

  /// A before_broadcast hook that records each transaction in `store`.
  static std::function<Result<void>(const SignedTransaction&)> record_in(AgentStore& store);

  /// Settles the transactions in flight and reads the game type: invalid_argument or
  /// unsupported if this agent cannot play it (another program, a layer binding other than
  /// the identity binding it was given), io_error if the node could not be asked. poll() does
  /// it first.
  Result<void> prepare();

  /// One round: settles the transactions in flight, reads new games from the factory's logs,
  /// proposes if asked and not done yet, and plays, resolves and claims in every live game.
  Result<void> poll();

  /// True when every game it plays is over with its credit claimed, nothing is in flight, and
  /// (if it proposes) its proposal is made.
  [[nodiscard]] bool done() const noexcept { return done_; }
  [[nodiscard]] AgentMetrics& metrics() noexcept { return metrics_; }

 private:
  struct Live {
    std::unique_ptr<ChainGame> game;
    std::unique_ptr<dispute::TraceAgent> player;
    bool plays = false;
    bool decided = false;  ///< whether it plays is known
  };
  static constexpr dispute::PartyId kSelf = 1;

  /// Settles every recorded transaction: mined, or gone (never broadcast, or its nonce taken),
  /// or broadcast again. Reports each when `after_restart`.
  Result<void> settle(bool after_restart);
  Result<void> load_game_type();
  Result<void> scan();
  Result<void> propose();
  Result<bool> play(const AgentStore::GameRecord& record, Live& live, std::uint64_t now);
  void emit(AgentEvent event) const;
  void report_sent(ChainGame& game, std::size_t from);

  RpcClient* rpc_;
  Account* account_;
  AgentStore* store_;
  TraceProvider* trace_;
  ChainAgentOptions options_;
  std::optional<dispute::GameConfig> config_;
  std::optional<dispute::ChunkedTraces> layers_;  ///< its trace as each layer sees it
  Hash claim_{};                                  ///< the truth: its trace's state at the end
  std::map<Address, Live> live_;
  AgentMetrics metrics_;
  bool settled_once_ = false;
  bool proposed_ = false;  ///< its proposal is on the chain
  bool done_ = false;
};

}  // namespace faultline::chain
