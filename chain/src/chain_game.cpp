// The dispute game contract as a dispute::GameView.
#include "faultline/chain/chain_game.hpp"

#include <optional>

#include "faultline/step_verifier.hpp"

namespace faultline::chain {
namespace {

using dispute::Assertion;
using dispute::kNoNode;
using dispute::Node;
using dispute::NodeId;
using dispute::PartyId;

constexpr std::uint64_t kNoChainNode = 0xffff'ffff;
constexpr std::uint64_t kStepFlag = 1, kResolvedFlag = 2, kCounteredFlag = 4;

Error mismatch(const std::string& what) {
  return Error{Errc::invalid_argument, "the game onchain does not play by this config: " + what};
}

}  // namespace

std::vector<ContractError> dispute_game_errors() {
  return {{"GameResolved()"},
          {"NodeNotFound(uint256)"},
          {"StepCannotBeCountered(uint256)"},
          {"NodeResolved(uint256)"},
          {"PieceOutOfRange(uint256,uint256)"},
          {"PieceNeedsStep()"},
          {"StepNeedsSinglePiece()"},
          {"ClockExpired()"},
          {"WrongStateCount(uint256,uint256)"},
          {"WrongBond(uint256,uint256)"},
          {"CounterAlreadyPosted(uint256)"},
          {"PieceAlreadyStepped(uint256)"},
          {"PreStateNotAgreed(bytes32,bytes32)"},
          {"InvalidStep(bytes)"},
          {"StepAgreesWithTarget()"},
          {"ClockNotExpired(uint256)"},
          {"ChildNotResolved(uint256,uint256)"},
          {"ClaimsMismatch(uint256)"},
          {"NoCredit(address)"},
          {"TransferFailed(address)"},
          {"Reentrancy()"},
          {"AlreadyInitialized()"},
          {"NotFactory()"},
          {"UnknownLocalSlot(uint256)"},
          {"InvalidParams(string)"},
          {"UnknownGameType(uint256)"},
          {"CloneFailed()"}};
}

Result<ChainGame> ChainGame::open(RpcClient& rpc, const Address& game, dispute::GameConfig config,
                                  ChainGameOptions options) {
  if (auto valid = config.validate(); !valid) return valid.error();
  ChainGame out(rpc, game, std::move(config), options);
  out.synced_block_ = options.first_block == 0 ? 0 : options.first_block - 1;
  Account* reader = out.reader();
  const auto number = [&](const char* signature) -> Result<U256> {
    auto value = reader->view(game, AbiEncoder(signature).finish());
    if (!value) return value.error();
    return AbiDecoder(*value).uint(0);
  };
  const dispute::GameConfig& c = out.config_;
  auto layers = number("layerCount()");
  if (!layers) return layers.error();
  if (*layers != c.layer_count()) return mismatch("layer count");
  for (std::size_t l = 0; l < c.layer_count(); ++l) {
    auto info = reader->view(game, AbiEncoder("layerInfo(uint256)").uint(l).finish());
    if (!info) return info.error();
    const AbiDecoder fields(*info);
    const unsigned depth = l == 0 ? c.max_depth : c.inner_layers[l - 1].max_depth;
    if (fields.uint64(0).ok() && *fields.uint64(0) == c.layer_arity(l) && fields.uint64(1).ok() &&
        *fields.uint64(1) == depth) {
      continue;
    }
    return mismatch("layer " + std::to_string(l) + "'s arity or depth");
  }
  const std::pair<const char*, U256> parameters[] = {
      {"maxClock()", c.max_clock},
      {"clockExtension()", c.clock_extension},
      {"baseBond()", U256(c.base_bond)},
      {"bondGrowthPercent()", c.bond_growth_percent}};
  for (const auto& [signature, expected] : parameters) {
    auto value = number(signature);
    if (!value) return value.error();
    if (*value != expected) return mismatch(signature);
  }
  auto prestate = reader->view(game, AbiEncoder("absolutePrestate()").finish());
  if (!prestate) return prestate.error();
  if (AbiDecoder(*prestate).word(0).ok() && *AbiDecoder(*prestate).word(0) != c.absolute_prestate) {
    return mismatch("absolute prestate");
  }
  if (auto synced = out.sync(); !synced) return synced.error();
  return out;
}

void ChainGame::add_party(PartyId id, Account& account) {
  accounts_[id] = &account;
  // Nodes read before the party was known show a stand-in id for its address.
  if (const auto known = parties_.find(account.address()); known != parties_.end()) {
    for (Node& node : nodes_) {
      if (node.claimant == known->second) node.claimant = id;
    }
  }
  parties_[account.address()] = id;
}

Account* ChainGame::reader() {
  if (!accounts_.empty()) return accounts_.begin()->second;
  if (!viewer_) viewer_.emplace(*rpc_, Address{});
  return &*viewer_;
}

PartyId ChainGame::party_of(const Address& address) {
  if (const auto found = parties_.find(address); found != parties_.end()) return found->second;
  const auto id = static_cast<PartyId>(1000 + parties_.size());
  parties_[address] = id;
  return id;
}

Result<void> ChainGame::at_time(std::uint64_t now) {
  if (!options_.set_block_time) return {};
  const std::uint64_t time = std::max(now, last_time_ + 1);
  auto set = rpc_->call("evm_setNextBlockTimestamp", Json::array({time}));
  if (!set) return set.error();
  last_time_ = time;
  return {};
}

std::vector<Hash> ChainGame::claims(NodeId id) const {
  std::vector<Hash> out;
  if (id >= nodes_.size()) return out;
  for (const Assertion& assertion : assertions(id))
    out.push_back(assertion.value);
  return out;
}

Result<Node> ChainGame::read_node(NodeId id) {
  auto data = reader()->view(game_, AbiEncoder("getNode(uint256)").uint(id).finish());
  if (!data) return data.error();
  const AbiDecoder fields(*data);
  // DisputeGame.Node: parent, claimant, piece, layer, depth, flags, firstChild, createdAt,
  // clock, parentClock, lo, nextSibling, opener.
  std::uint64_t word[13] = {};
  for (std::size_t i = 0; i < 13; ++i) {
    if (i == 1) continue;  // the claimant, an address
    auto value = fields.uint64(i);
    if (!value) return value.error();
    word[i] = *value;
  }
  auto claimant = fields.address(1);
  if (!claimant) return claimant.error();
  Node node;
  node.claimant = party_of(*claimant);
  node.piece = static_cast<unsigned>(word[2]);
  node.layer = static_cast<unsigned>(word[3]);
  node.depth = static_cast<unsigned>(word[4]);
  const std::uint64_t flags = word[5];
  node.created_at = word[7];
  node.clock = word[8];
  node.is_step = (flags & kStepFlag) != 0;
  node.resolved = (flags & kResolvedFlag) != 0;
  node.countered = (flags & kCounteredFlag) != 0;
  if (word[0] == kNoChainNode) {
    if (id != 0)
      return Error{Errc::malformed_input, "node " + std::to_string(id) + " has no parent"};
    auto root = reader()->view(game_, AbiEncoder("rootClaim()").finish());
    if (!root) return root.error();
    auto claim = AbiDecoder(*root).word(0);
    if (!claim) return claim.error();
    node.hi = config_.trace_length();
    node.left = config_.absolute_prestate;
    node.right = Assertion{node.hi, *claim, false};
    node.bond = config_.base_bond;
    return node;
  }
  node.parent = static_cast<NodeId>(word[0]);
  if (node.parent >= id || node.parent >= nodes_.size()) {
    return Error{Errc::malformed_input, "node " + std::to_string(id) + " has a later parent"};
  }
  const Node& parent = nodes_[node.parent];
  const std::vector<Assertion> points = assertions(node.parent);
  if (node.piece + 1 >= points.size()) {
    return Error{Errc::malformed_input, "node " + std::to_string(id) + " has a bad piece"};
  }
  node.path = parent.path;
  node.lo = points[node.piece].index;
  node.hi = points[node.piece + 1].index;
  node.left = points[node.piece].value;
  node.right = Assertion{node.hi, points[node.piece + 1].value, !points[node.piece + 1].negated};
  if (node.layer > parent.layer) {
    const dispute::Layer& inner = config_.inner_layers.at(parent.layer);
    node.path.push_back(node.lo);
    node.lo = 0;
    node.hi = config_.layer_length(node.layer);
    node.left = inner.bind_start(node.path, points[node.piece].value);
    node.right = Assertion{node.hi, inner.bind_end(node.path, points[node.piece + 1].value),
                           !points[node.piece + 1].negated};
  }
  // The contract keeps a counter's segment start; a step keeps none (its lo is 0).
  if (!node.is_step && node.lo != word[10]) {
    return Error{Errc::malformed_input,
                 "node " + std::to_string(id) + " is not where it should be"};
  }
  if (node.is_step) return node;
  node.bond = bond_at_depth(node.depth);
  // The posted states are in the node's Countered event.
  const Json filter = {
      {"address", to_hex(game_)},
      {"fromBlock", quantity_hex(options_.first_block)},
      {"toBlock", "latest"},
      {"topics", Json::array({faultline::to_hex(event_topic(
                                  "Countered(uint256,uint256,address,uint256,bytes32[])")),
                              faultline::to_hex(to_word(id))})}};
  auto logs = rpc_->call("eth_getLogs", Json::array({filter}));
  if (!logs) return logs.error();
  if (!logs->is_array() || logs->size() != 1) {
    return Error{Errc::malformed_input, "node " + std::to_string(id) + " has no Countered event"};
  }
  auto log = parse_log((*logs)[0]);
  if (!log) return log.error();
  auto states = AbiDecoder(log->data).bytes32_array(1);
  if (!states) return states.error();
  node.points = std::move(*states);
  return node;
}

Result<void> ChainGame::sync() {
  auto latest = rpc_->call("eth_blockNumber", Json::array());
  if (!latest) return latest.error();
  auto block = quantity(*latest);
  if (!block) return block.error();
  auto count = reader()->view(game_, AbiEncoder("nodeCount()").finish());
  if (!count) return count.error();
  auto total = AbiDecoder(*count).uint64(0);
  if (!total) return total.error();
  // Resolutions of nodes read before, from the Resolved events since the last look.
  if (*block > synced_block_) {
    const Json filter = {
        {"address", to_hex(game_)},
        {"fromBlock", quantity_hex(synced_block_ + 1)},
        {"toBlock", quantity_hex(*block)},
        {"topics",
         Json::array({faultline::to_hex(event_topic("Resolved(uint256,bool,address,uint256)"))})}};
    auto logs = rpc_->call("eth_getLogs", Json::array({filter}));
    if (!logs) return logs.error();
    if (!logs->is_array()) return Error{Errc::malformed_input, "eth_getLogs: not a list"};
    for (const Json& entry : *logs) {
      auto log = parse_log(entry);
      if (!log) return log.error();
      if (log->topics.size() < 2)
        return Error{Errc::malformed_input, "a Resolved event without node"};
      const AbiDecoder topic(log->topics[1]);
      auto id = topic.uint64(0);
      auto countered = AbiDecoder(log->data).boolean(0);
      if (!id || !countered) return Error{Errc::malformed_input, "a bad Resolved event"};
      if (*id < nodes_.size()) {
        nodes_[*id].resolved = true;
        nodes_[*id].countered = *countered;
      }
    }
    synced_block_ = *block;
  }
  for (auto id = static_cast<NodeId>(nodes_.size()); id < *total; ++id) {
    auto node = read_node(id);
    if (!node) return node.error();
    if (node->parent != kNoNode) nodes_[node->parent].children.push_back(id);
    nodes_.push_back(std::move(*node));
  }
  // Who each resolved node's bond went to, by the rules (the contract's Resolved events say
  // the same).
  for (Node& node : nodes_) {
    if (!node.resolved) continue;
    node.bond_recipient = node.claimant;
    if (!node.countered) continue;
    for (const NodeId child : node.children) {
      if (nodes_[child].resolved && !nodes_[child].countered) {
        node.bond_recipient = nodes_[child].claimant;
        break;
      }
    }
  }
  return {};
}

Error ChainGame::rejected(const Error& error) const {
  const auto name = reverted_error(error);
  if (!name) return error;
  return Error{Errc::invalid_argument, *name + ": " + error.message};
}

Result<NodeId> ChainGame::counter(PartyId who, NodeId target, unsigned piece,
                                  std::vector<Hash> points, const dispute::Wei& bond,
                                  std::uint64_t now) {
  const auto account = accounts_.find(who);
  if (account == accounts_.end()) {
    return Error{Errc::invalid_argument, "party " + std::to_string(who) + " has no account"};
  }
  if (auto timed = at_time(now); !timed) return timed.error();
  AbiEncoder call("counter(uint256,uint256,bytes32[],bytes32[])");
  call.uint(target).uint(piece).bytes32_array(claims(target)).bytes32_array(points);
  auto receipt = account->second->send(game_, call.finish(), U256(bond));
  if (!receipt) return rejected(receipt.error());
  if (auto synced = sync(); !synced) return synced.error();
  const auto id = static_cast<NodeId>(nodes_.size() - 1);
  sent_.push_back({Sent::Kind::counter, id, receipt->gas_used});
  return id;
}

Result<NodeId> ChainGame::step(PartyId who, NodeId target, unsigned piece,
                               const StepWitness& witness, std::uint64_t now) {
  const auto account = accounts_.find(who);
  if (account == accounts_.end()) {
    return Error{Errc::invalid_argument, "party " + std::to_string(who) + " has no account"};
  }
  // Load each part of a preimage the step reads: the game's own local data, or keccak data
  // (from the witness itself for data the machine made).
  std::optional<WitnessPreimages> preimages;
  if (options_.preimages != nullptr) preimages.emplace(witness, *options_.preimages);
  for (const PreimageRead& read : witness.preimages) {
    if (!preimages) break;
    auto data = preimages->get(read.key);
    if (data) {
      const std::uint64_t part = read.offset < 8 + data->size() ? read.offset / 32 * 32 : 0;
      Result<Receipt> loaded = Error{Errc::io_error, ""};
      if (preimage_key_type(read.key) == PreimageKeyType::local) {
        std::uint64_t slot = 0;
        for (std::size_t i = 24; i < 32; ++i)
          slot = slot << 8 | read.key[i];
        loaded = account->second->send(
            game_, AbiEncoder("loadLocalData(uint256,uint256)").uint(slot).uint(part).finish());
      } else {
        auto oracle = reader()->view(game_, AbiEncoder("oracle()").finish());
        if (!oracle) return oracle.error();
        auto oracle_address = AbiDecoder(*oracle).address(0);
        if (!oracle_address) return oracle_address.error();
        loaded = account->second->send(*oracle_address,
                                       AbiEncoder("loadKeccak256PreimagePart(uint256,bytes)")
                                           .uint(part)
                                           .bytes(*data)
                                           .finish());
      }
      if (!loaded) return loaded.error();
      sent_.push_back({Sent::Kind::load_preimage, kNoNode, loaded->gas_used});
    }
  }
  if (auto timed = at_time(now); !timed) return timed.error();
  AbiEncoder call("step(uint256,uint256,bytes32[],bytes,bytes)");
  call.uint(target)
      .uint(piece)
      .bytes32_array(claims(target))
      .bytes(witness.state)
      .bytes(witness.proof);
  auto receipt = account->second->send(game_, call.finish());
  if (!receipt) return rejected(receipt.error());
  if (auto synced = sync(); !synced) return synced.error();
  const auto id = static_cast<NodeId>(nodes_.size() - 1);
  sent_.push_back({Sent::Kind::step, id, receipt->gas_used});
  return id;
}

Result<void> ChainGame::resolve_node(NodeId id, std::uint64_t now) {
  if (id < nodes_.size() && nodes_[id].resolved) return {};
  if (auto timed = at_time(now); !timed) return timed.error();
  auto receipt =
      reader()->send(game_, AbiEncoder("resolveNode(uint256,uint256)").uint(id).uint(0).finish());
  if (!receipt) return rejected(receipt.error());
  sent_.push_back({Sent::Kind::resolve, id, receipt->gas_used});
  return sync();
}

bool ChainGame::resolve(std::uint64_t now) {
  if (!sync()) return false;
  for (std::size_t i = nodes_.size(); i-- > 0;) {
    const Node& node = nodes_[i];
    const auto id = static_cast<NodeId>(i);
    if (node.resolved) continue;
    const std::uint64_t time = options_.set_block_time ? std::max(now, last_time_ + 1) : now;
    if (counter_clock(id, time) < config_.max_clock) continue;
    bool children_resolved = true;
    for (const NodeId child : node.children)
      children_resolved = children_resolved && nodes_[child].resolved;
    if (children_resolved && !resolve_node(id, now)) return false;
  }
  return resolved();
}

Result<U256> ChainGame::credit(PartyId party) {
  for (const auto& [address, id] : parties_) {
    if (id != party) continue;
    auto value = reader()->view(game_, AbiEncoder("credit(address)").address(address).finish());
    if (!value) return value.error();
    return AbiDecoder(*value).uint(0);
  }
  return Error{Errc::not_found, "party " + std::to_string(party) + " is unknown"};
}

}  // namespace faultline::chain
