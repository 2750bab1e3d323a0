// The agent's round: settle, scan, propose, play.
#include "faultline/chain/chain_agent.hpp"

#include <set>
#include <type_traits>

namespace faultline::chain {
namespace {

using dispute::NodeId;

constexpr const char* kGameCreated = "GameCreated(uint256,address,address,bytes32,bytes32)";

Result<std::uint64_t> block_number(RpcClient& rpc) {
  auto number = rpc.call("eth_blockNumber", Json::array());
  if (!number) return number.error();
  return quantity(*number);
}

/// The block's hash and time.
Result<std::pair<Hash, std::uint64_t>> block_at(RpcClient& rpc, const std::string& which) {
  auto block = rpc.call("eth_getBlockByNumber", Json::array({which, false}));
  if (!block) return block.error();
  if (!block->is_object() || !(*block)["hash"].is_string()) {
    return Error{Errc::malformed_input, "eth_getBlockByNumber(" + which + ") is not a block"};
  }
  auto hash = hash_from_hex((*block)["hash"].get<std::string>());
  auto time = quantity((*block)["timestamp"]);
  if (!hash || !time) return Error{Errc::malformed_input, "a block without hash or time"};
  return std::pair{*hash, *time};
}

/// GameCreated logs of `type` in [from, to], optionally by `proposer` only.
Result<std::vector<Log>> created_logs(RpcClient& rpc, const Address& factory, std::uint64_t type,
                                      std::uint64_t from, std::uint64_t to,
                                      const std::optional<Address>& proposer) {
  Json topics = Json::array({faultline::to_hex(event_topic(kGameCreated)),
                             faultline::to_hex(AbiEncoder().uint(type).finish()), nullptr});
  if (proposer) topics.push_back(faultline::to_hex(AbiEncoder().address(*proposer).finish()));
  auto logs = rpc.call("eth_getLogs", Json::array({{{"address", to_hex(factory)},
                                                    {"topics", topics},
                                                    {"fromBlock", quantity_hex(from)},
                                                    {"toBlock", quantity_hex(to)}}}));
  if (!logs) return logs.error();
  if (!logs->is_array()) return Error{Errc::malformed_input, "eth_getLogs is not a list"};
  std::vector<Log> out;
  for (const Json& entry : *logs) {
    auto log = parse_log(entry);
    if (!log) return log.error();
    if (log->removed || log->topics.size() != 4 || log->data.size() != 64) continue;
    out.push_back(std::move(*log));
  }
  return out;
}

}  // namespace

std::string_view agent_event_name(AgentEvent::Kind kind) noexcept {
  switch (kind) {
    case AgentEvent::Kind::game_found:
      return "game_found";
    case AgentEvent::Kind::proposed:
      return "proposed";
    case AgentEvent::Kind::move:
      return "move";
    case AgentEvent::Kind::resolved:
      return "resolved";
    case AgentEvent::Kind::credit:
      return "credit";
    case AgentEvent::Kind::error:
      return "error";
    case AgentEvent::Kind::note:
      return "note";
  }
  return "note";
}

std::string AgentMetrics::prometheus_text() const {
  std::string out;
  const auto metric = [&out](const char* name, const char* type, const char* help,
                             const auto& value) {
    std::string text;
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, dispute::Wei>) {
      text = value.str();
    } else {
      text = std::to_string(value.load());
    }
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + text + "\n";
  };
  const std::lock_guard lock(wei_mutex);
  metric("faultline_agent_counters_total", "counter", "Counters posted.", counters);
  metric("faultline_agent_steps_total", "counter", "Steps posted.", steps);
  metric("faultline_agent_resolutions_total", "counter", "Nodes resolved.", resolutions);
  metric("faultline_agent_preimage_loads_total", "counter", "Preimage parts loaded onchain.",
         preimage_loads);
  metric("faultline_agent_games_found_total", "counter", "Games of its type and input found.",
         games_found);
  metric("faultline_agent_games_live", "gauge", "Games it plays that are not over.", games_live);
  metric("faultline_agent_games_finished_total", "counter", "Games over with its credit claimed.",
         games_finished);
  metric("faultline_agent_errors_total", "counter", "Rounds that failed (retried).", errors);
  metric("faultline_agent_bonds_at_risk_wei", "gauge", "Bonds of its unresolved nodes.",
         bonds_at_risk_wei);
  metric("faultline_agent_clock_remaining_seconds", "gauge",
         "Its least clock left over the games it plays.", clock_remaining_seconds);
  metric("faultline_agent_credit_claimed_wei_total", "counter", "Credit claimed.",
         credit_claimed_wei);
  metric("faultline_agent_gas_used_total", "counter", "Gas of its transactions.", gas_used);
  return out;
}

ChainAgent::ChainAgent(RpcClient& rpc, Account& account, AgentStore& store, TraceProvider& trace,
                       ChainAgentOptions options)
    : rpc_(&rpc),
      account_(&account),
      store_(&store),
      trace_(&trace),
      options_(std::move(options)) {}

std::function<Result<void>(const SignedTransaction&)> ChainAgent::record_in(AgentStore& store) {
  return [&store](const SignedTransaction& sent) { return store.add_in_flight(sent); };
}

void ChainAgent::emit(AgentEvent event) const {
  if (options_.on_event) options_.on_event(event);
}

Result<void> ChainAgent::settle(bool after_restart) {
  auto in_flight = store_->in_flight();
  if (!in_flight) return in_flight.error();
  for (const SignedTransaction& sent : *in_flight) {
    auto receipt = account_->rebroadcast(sent);
    if (!receipt && receipt.error().code != Errc::not_found) return receipt.error();
    if (after_restart) {
      AgentEvent event;
      event.kind = AgentEvent::Kind::note;
      event.what = "transaction " + faultline::to_hex(sent.hash) + " (nonce " +
                   std::to_string(sent.nonce) + ") was in flight at a restart: " +
                   (receipt ? (receipt->succeeded ? "mined" : "mined, reverted")
                            : "gone, its nonce used by another");
      if (receipt) metrics_.gas_used += receipt->gas_used;
      emit(event);
    }
    if (auto removed = store_->remove_in_flight(sent.hash); !removed) return removed.error();
  }
  // Whatever was in flight is settled: the node's count of nonces is right again.
  if (!in_flight->empty()) account_->reset_nonce();
  return {};
}

Result<void> ChainAgent::load_game_type() {
  if (config_) return {};
  auto implementation = account_->view(
      options_.factory, AbiEncoder("gameTypes(uint256)").uint(options_.game_type).finish());
  if (!implementation) return implementation.error();
  auto type = AbiDecoder(*implementation).address(0);
  if (!type) return type.error();
  const auto number = [&](const char* signature) -> Result<U256> {
    auto value = account_->view(*type, AbiEncoder(signature).finish());
    if (!value) return value.error();
    return AbiDecoder(*value).uint(0);
  };
  auto layers = number("layerCount()");
  if (!layers) return layers.error();
  if (*layers < 1 || *layers > 4) return Error{Errc::malformed_input, "layerCount() out of range"};
  dispute::GameConfig config;
  for (unsigned layer = 0; layer < *layers; ++layer) {
    const std::string index = std::to_string(layer);
    auto info = account_->view(*type, AbiEncoder("layerInfo(uint256)").uint(layer).finish());
    if (!info) return info.error();
    auto arity = AbiDecoder(*info).uint64(0), depth = AbiDecoder(*info).uint64(1);
    if (!arity || !depth || *arity > 64 || *depth > 64) {
      return Error{Errc::malformed_input, "layerInfo(" + index + ") does not decode"};
    }
    const auto k = static_cast<unsigned>(*arity), d = static_cast<unsigned>(*depth);
    if (layer == 0) {
      config.arity = k;
      config.max_depth = d;
      continue;
    }
    auto binding = account_->view(*type, AbiEncoder("layerBinding(uint256)").uint(layer).finish());
    if (!binding) return binding.error();
    auto address = AbiDecoder(*binding).address(0);
    if (!address) return address.error();
    if (!options_.identity_binding || *address != *options_.identity_binding) {
      return Error{Errc::unsupported,
                   "game type " + std::to_string(options_.game_type) + ": layer " + index +
                       " is bound by " + to_hex(*address) +
                       ", not by the identity binding the agent was given (--identity-binding)"};
    }
    config.inner_layers.push_back(dispute::chunk_layer(k, d));
  }
  const std::pair<const char*, std::uint64_t*> fields[] = {
      {"maxClock()", &config.max_clock}, {"clockExtension()", &config.clock_extension}};
  for (const auto& [signature, field] : fields) {
    auto value = number(signature);
    if (!value) return value.error();
    if (*value > U256(std::numeric_limits<std::uint64_t>::max())) {
      return Error{Errc::unsupported, std::string(signature) + " of the game type exceeds 64 bits"};
    }
    *field = static_cast<std::uint64_t>(*value);
  }
  auto base_bond = number("baseBond()");
  if (!base_bond) return base_bond.error();
  if (*base_bond > U256(std::numeric_limits<dispute::Wei>::max())) {
    return Error{Errc::unsupported, "baseBond() of the game type exceeds 128 bits"};
  }
  config.base_bond = static_cast<dispute::Wei>(*base_bond);
  auto growth = number("bondGrowthPercent()");
  if (!growth) return growth.error();
  if (*growth > 1000) return Error{Errc::unsupported, "bondGrowthPercent over 1000"};
  config.bond_growth_percent = static_cast<unsigned>(*growth);
  auto prestate = account_->view(*type, AbiEncoder("absolutePrestate()").finish());
  if (!prestate) return prestate.error();
  auto word = AbiDecoder(*prestate).word(0);
  if (!word) return word.error();
  config.absolute_prestate = *word;
  if (auto valid = config.validate(); !valid) return valid.error();
  auto start = trace_->claim_at(0);
  if (!start) return start.error();
  if (*start != config.absolute_prestate) {
    return Error{Errc::invalid_argument,
                 "game type " + std::to_string(options_.game_type) +
                     " starts from another program: its absolute prestate is not this trace's"};
  }
  dispute::ChunkedTraces layers_view(*trace_, config);
  auto claim = layers_view.first_layer().claim_at(config.trace_length());
  if (!claim) return claim.error();
  claim_ = *claim;
  config_ = config;
  layers_ = layers_view;
  return {};
}

Result<void> ChainAgent::scan() {
  auto head = block_number(*rpc_);
  if (!head) return head.error();
  if (*head < options_.confirmations) return {};
  const std::uint64_t safe = *head - options_.confirmations;
  auto cursor = store_->cursor();
  if (!cursor) return cursor.error();
  std::uint64_t from = options_.first_block;
  if (*cursor) {
    // A reorg under the cursor: read the last 128 blocks again (games are added once) and
    // mirror every game afresh.
    // A chain now shorter than the cursor was reorganised too.
    Result<std::pair<Hash, std::uint64_t>> at = Error{Errc::not_found, ""};
    if ((*cursor)->block <= *head) {
      at = block_at(*rpc_, quantity_hex((*cursor)->block));
      if (!at) return at.error();
    }
    if (at && at->first == (*cursor)->hash) {
      from = (*cursor)->block + 1;
    } else {
      from = std::max(options_.first_block,
                      (*cursor)->block > 128 ? (*cursor)->block - 128 : std::uint64_t{0});
      live_.clear();
      account_->reset_nonce();  // its mined transactions may be gone with the blocks
      emit({AgentEvent::Kind::note,
            {},
            dispute::kNoNode,
            0,
            "reorg below block " + std::to_string((*cursor)->block) + ": reading from block " +
                std::to_string(from) + " again"});
    }
  }
  if (from > safe) return {};
  auto games = store_->games();
  if (!games) return games.error();
  std::set<Address> known;
  for (const auto& record : *games)
    known.insert(record.game);
  for (std::uint64_t start = from; start <= safe; start += 10'000) {
    const std::uint64_t end = std::min(safe, start + 9'999);
    auto logs = created_logs(*rpc_, options_.factory, options_.game_type, start, end, {});
    if (!logs) return logs.error();
    for (const Log& log : *logs) {
      const AbiDecoder data(log.data);
      auto input = data.word(1);
      auto game = AbiDecoder(log.topics[2]).address(0);
      if (!input || !game || *input != options_.input_key || !known.insert(*game).second) {
        continue;
      }
      if (auto added = store_->add_game({*game, options_.game_type, log.block_number, false});
          !added) {
        return added.error();
      }
      ++metrics_.games_found;
      emit({AgentEvent::Kind::game_found, *game, 0, 0,
            "game found in block " + std::to_string(log.block_number)});
    }
  }
  auto at = block_at(*rpc_, quantity_hex(safe));
  if (!at) return at.error();
  return store_->set_cursor({safe, at->first});
}

Result<void> ChainAgent::propose() {
  if (options_.role == AgentRole::challenger || proposed_) return {};
  // After settle(), any proposal it sent is mined or gone: the chain's logs say whether it
  // stands (to the head, confirmations or not).
  auto head = block_number(*rpc_);
  if (!head) return head.error();
  auto mine = created_logs(*rpc_, options_.factory, options_.game_type, options_.first_block, *head,
                           account_->address());
  if (!mine) return mine.error();
  for (const Log& log : *mine) {
    const AbiDecoder data(log.data);
    if (data.word(0).ok() && *data.word(0) == claim_ && data.word(1).ok() &&
        *data.word(1) == options_.input_key) {
      proposed_ = true;
      return {};
    }
  }
  AbiEncoder create("create(uint256,bytes32,bytes32)");
  create.uint(options_.game_type).bytes32(claim_).bytes32(options_.input_key);
  auto receipt = account_->send(options_.factory, create.finish(), config_->base_bond);
  if (!receipt) return receipt.error();
  if (auto removed = store_->remove_in_flight(receipt->transaction_hash); !removed) {
    return removed.error();
  }
  metrics_.gas_used += receipt->gas_used;
  proposed_ = true;
  AgentEvent event{AgentEvent::Kind::proposed, {}, 0, 0, "proposed " + faultline::to_hex(claim_)};
  event.gas = receipt->gas_used;
  emit(event);
  return {};
}

void ChainAgent::report_sent(ChainGame& game, std::size_t from) {
  for (std::size_t i = from; i < game.sent().size(); ++i) {
    const ChainGame::Sent& sent = game.sent()[i];
    metrics_.gas_used += sent.gas;
    AgentEvent event;
    event.game = game.address();
    event.node = sent.node;
    event.gas = sent.gas;
    switch (sent.kind) {
      case ChainGame::Sent::Kind::counter:
        ++metrics_.counters;
        event.kind = AgentEvent::Kind::move;
        event.what = "counter";
        break;
      case ChainGame::Sent::Kind::step:
        ++metrics_.steps;
        event.kind = AgentEvent::Kind::move;
        event.what = "step";
        break;
      case ChainGame::Sent::Kind::resolve:
        ++metrics_.resolutions;
        event.kind = AgentEvent::Kind::resolved;
        event.what = "resolve";
        break;
      case ChainGame::Sent::Kind::load_preimage:
        ++metrics_.preimage_loads;
        event.kind = AgentEvent::Kind::move;
        event.what = "load preimage part";
        break;
    }
    if (sent.node != dispute::kNoNode && sent.node < game.nodes().size()) {
      const dispute::Node& node = game.node(sent.node);
      event.depth = node.depth;
      if (event.kind == AgentEvent::Kind::move) {
        event.clock_left = game.config().max_clock - node.clock;
      }
    }
    emit(event);
  }
}

Result<bool> ChainAgent::play(const AgentStore::GameRecord& record, Live& live, std::uint64_t now) {
  if (!live.game) {
    ChainGameOptions game_options;
    game_options.preimages = options_.preimages;
    game_options.first_block = record.first_block;
    auto opened = ChainGame::open(*rpc_, record.game, *config_, game_options);
    if (!opened) return opened.error();
    live.game = std::make_unique<ChainGame>(std::move(*opened));
    live.game->add_party(kSelf, *account_);
  }
  ChainGame& game = *live.game;
  if (auto synced = game.sync(); !synced) return synced.error();
  if (!live.decided) {
    const dispute::Node& root = game.node(0);
    const bool mine = root.claimant == kSelf;
    const bool wrong = root.right.value != claim_;
    live.plays = options_.role == AgentRole::both ||
                 (options_.role == AgentRole::proposer && mine) ||
                 (options_.role == AgentRole::challenger && wrong);
    live.decided = true;
  }
  if (!live.plays) return true;
  // Every transaction it sends is recorded before broadcast; once the send returns it is
  // settled, and the record goes.
  const std::size_t sent_before = game.sent().size();
  if (!live.player) {
    live.player = std::make_unique<dispute::TraceAgent>(kSelf, layers_->first_layer(), "honest",
                                                        dispute::TraceAgent::Timing::prompt,
                                                        layers_->inner());
  }
  const std::size_t rejected = live.player->rejected_moves();
  live.player->act(game, now);
  const bool resolved = game.resolve(now);
  report_sent(game, sent_before);
  // Its sends have returned: each is mined or was never broadcast; the records go.
  if (auto settled = settle(false); !settled) return settled.error();
  if (live.player->rejected_moves() != rejected) {
    // A move failed (a node that went away, a reorg, a refused or replaced transaction): look
    // again at every node next round with a fresh player.
    const std::string why = live.player->last_rejection()->message;
    live.player.reset();
    return Error{Errc::io_error,
                 "a move in game " + to_hex(record.game) + " failed (" + why + "); retrying"};
  }
  if (!resolved) {
    // Its clock: the least left on a node it must answer; its bonds at risk.
    for (NodeId id = 0; id < game.nodes().size(); ++id) {
      const dispute::Node& node = game.node(id);
      if (node.resolved) continue;
      if (node.claimant == kSelf) {
        const std::lock_guard lock(metrics_.wei_mutex);
        metrics_.bonds_at_risk_wei += node.bond;
      }
    }
    return false;
  }
  auto credit = game.credit(kSelf);
  if (!credit) return credit.error();
  if (*credit != 0) {
    auto claimed = account_->send(
        record.game, AbiEncoder("claimCredit(address)").address(account_->address()).finish());
    if (!claimed) return claimed.error();
    if (auto removed = store_->remove_in_flight(claimed->transaction_hash); !removed) {
      return removed.error();
    }
    metrics_.gas_used += claimed->gas_used;
    if (*credit <= U256(std::numeric_limits<dispute::Wei>::max())) {
      const std::lock_guard lock(metrics_.wei_mutex);
      metrics_.credit_claimed_wei += static_cast<dispute::Wei>(*credit);
    }
    AgentEvent event{AgentEvent::Kind::credit, record.game, dispute::kNoNode, 0, "credit claimed"};
    event.amount = *credit;
    event.gas = claimed->gas_used;
    emit(event);
  }
  AgentEvent over{AgentEvent::Kind::resolved, record.game, 0, 0,
                  game.root_stands() ? "game over: the root claim stands"
                                     : "game over: the root claim is countered"};
  emit(over);
  return true;
}

Result<void> ChainAgent::prepare() {
  if (auto settled = settle(!settled_once_); !settled) return settled.error();
  settled_once_ = true;
  return load_game_type();
}

Result<void> ChainAgent::poll() {
  if (auto prepared = prepare(); !prepared) return prepared.error();
  if (auto scanned = scan(); !scanned) return scanned.error();
  if (auto proposed = propose(); !proposed) return proposed.error();
  auto latest = block_at(*rpc_, "latest");
  if (!latest) return latest.error();
  auto games = store_->games();
  if (!games) return games.error();
  {
    const std::lock_guard lock(metrics_.wei_mutex);
    metrics_.bonds_at_risk_wei = 0;
  }
  std::uint64_t live_games = 0, least_clock = config_->max_clock;
  bool all_done = true;
  std::optional<Error> failure;
  for (const AgentStore::GameRecord& record : *games) {
    if (record.finished) continue;
    Live& live = live_[record.game];
    auto over = play(record, live, latest->second);
    if (!over) {
      ++metrics_.errors;
      emit({AgentEvent::Kind::error, record.game, dispute::kNoNode, 0, over.error().message});
      failure = over.error();
      all_done = false;
      continue;
    }
    if (*over) {
      if (auto finished = store_->finish_game(record.game); !finished) return finished.error();
      ++metrics_.games_finished;
      live_.erase(record.game);
      continue;
    }
    all_done = false;
    ++live_games;
    for (NodeId id = 0; id < live.game->nodes().size(); ++id) {
      const dispute::Node& node = live.game->node(id);
      if (node.resolved || node.claimant == kSelf || node.is_step) continue;
      bool answered = false;
      for (const NodeId child : node.children)
        answered = answered || live.game->node(child).claimant == kSelf;
      if (answered) continue;
      const std::uint64_t used = live.game->counter_clock(id, latest->second);
      least_clock =
          std::min(least_clock, used >= config_->max_clock ? 0 : config_->max_clock - used);
    }
  }
  metrics_.games_live = live_games;
  metrics_.clock_remaining_seconds = least_clock;
  done_ = all_done && !games->empty();
  if (failure) return *failure;
  return {};
}

}  // namespace faultline::chain
