// Sending transactions and reading contracts.
#include "faultline/chain/account.hpp"

#include <thread>

#include "faultline/keccak.hpp"

namespace faultline::chain {
namespace {

Error malformed(const std::string& what) {
  return Error{Errc::malformed_input, "the node's reply " + what};
}

Result<Hash> hash_field(const Json& json, const char* name) {
  const auto field = json.find(name);
  if (field == json.end() || !field->is_string()) return malformed(std::string("lacks ") + name);
  const auto hash = hash_from_hex(field->get<std::string>());
  if (!hash) return malformed(std::string("has a bad ") + name);
  return *hash;
}

Result<std::uint64_t> quantity_field(const Json& json, const char* name) {
  const auto field = json.find(name);
  if (field == json.end()) return malformed(std::string("lacks ") + name);
  return quantity(*field);
}

std::string hex(const U256& value) {
  if (value == 0) return "0x0";
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

}  // namespace

Result<Log> parse_log(const Json& json) {
  if (!json.is_object()) return malformed("has a log that is not an object");
  Log log;
  const auto address = json.find("address");
  if (address == json.end() || !address->is_string()) return malformed("has a log without address");
  const auto parsed = address_from_hex(address->get<std::string>());
  if (!parsed) return malformed("has a log with a bad address");
  log.address = *parsed;
  const auto topics = json.find("topics");
  if (topics == json.end() || !topics->is_array()) return malformed("has a log without topics");
  for (const Json& topic : *topics) {
    const auto hash = topic.is_string() ? hash_from_hex(topic.get<std::string>()) : std::nullopt;
    if (!hash) return malformed("has a log with a bad topic");
    log.topics.push_back(*hash);
  }
  const auto data = json.find("data");
  if (data == json.end() || !data->is_string()) return malformed("has a log without data");
  auto bytes = bytes_from_hex(data->get<std::string>());
  if (!bytes) return malformed("has a log with bad data");
  log.data = std::move(*bytes);
  auto number = quantity_field(json, "blockNumber");
  if (!number) return number.error();
  log.block_number = *number;
  auto block = hash_field(json, "blockHash");
  if (!block) return block.error();
  log.block_hash = *block;
  auto index = quantity_field(json, "logIndex");
  if (!index) return index.error();
  log.log_index = *index;
  auto transaction = hash_field(json, "transactionHash");
  if (!transaction) return transaction.error();
  log.transaction_hash = *transaction;
  const auto removed = json.find("removed");
  log.removed = removed != json.end() && removed->is_boolean() && removed->get<bool>();
  return log;
}

Result<Receipt> parse_receipt(const Json& json) {
  if (!json.is_object()) return malformed("has a receipt that is not an object");
  Receipt receipt;
  auto hash = hash_field(json, "transactionHash");
  if (!hash) return hash.error();
  receipt.transaction_hash = *hash;
  auto status = quantity_field(json, "status");
  if (!status) return status.error();
  receipt.succeeded = *status == 1;
  auto number = quantity_field(json, "blockNumber");
  if (!number) return number.error();
  receipt.block_number = *number;
  auto gas = quantity_field(json, "gasUsed");
  if (!gas) return gas.error();
  receipt.gas_used = *gas;
  if (const auto created = json.find("contractAddress");
      created != json.end() && created->is_string()) {
    receipt.contract_address = address_from_hex(created->get<std::string>());
  }
  const auto logs = json.find("logs");
  if (logs == json.end() || !logs->is_array()) return malformed("has a receipt without logs");
  for (const Json& entry : *logs) {
    auto log = parse_log(entry);
    if (!log) return log.error();
    receipt.logs.push_back(std::move(*log));
  }
  return receipt;
}

std::optional<std::string> reverted_error(const Error& error) {
  constexpr std::string_view kMarker = "reverted: ";
  const auto at = error.message.find(kMarker);
  if (at == std::string::npos) return std::nullopt;
  const std::string rest = error.message.substr(at + kMarker.size());
  const auto open = rest.find('(');
  if (open == std::string::npos || open == 0) return std::nullopt;
  return rest.substr(0, open);
}

Account::Account(RpcClient& rpc, Signer signer, AccountOptions options)
    : rpc_(&rpc), signer_(signer), options_(std::move(options)) {
  address_ = signer_->address();
}

Account::Account(RpcClient& rpc, const Address& unlocked, AccountOptions options)
    : rpc_(&rpc), address_(unlocked), options_(std::move(options)) {}

Json Account::call_object(const std::optional<Address>& to, const Bytes& data,
                          const U256& value) const {
  Json call = {{"from", to_hex(address_)}, {"data", faultline::to_hex(data)}};
  if (to) call["to"] = to_hex(*to);
  if (value != 0) call["value"] = hex(value);
  return call;
}

Error Account::revert_error(std::string_view what, const RpcReply& reply) const {
  if (reply.error_data && !reply.error_data->empty()) {
    return Error{Errc::invalid_argument, std::string(what) + " reverted: " +
                                             describe_revert(*reply.error_data, options_.errors)};
  }
  return Error{Errc::invalid_argument, std::string(what) + " failed: " + reply.error_message};
}

Result<Bytes> Account::view(const Address& to, const Bytes& data) {
  auto reply = rpc_->request("eth_call", Json::array({call_object(to, data, 0), "latest"}));
  if (!reply) return reply.error();
  if (reply->failed) return revert_error("eth_call", *reply);
  if (!reply->result.is_string()) return malformed("to eth_call is not hex");
  auto bytes = bytes_from_hex(reply->result.get<std::string>());
  if (!bytes) return malformed("to eth_call is not hex");
  return std::move(*bytes);
}

Result<Receipt> Account::send(const std::optional<Address>& to, const Bytes& data,
                              const U256& value) {
  // A call that would revert is refused here, with the contract's reason.
  auto estimate =
      rpc_->request("eth_estimateGas", Json::array({call_object(to, data, value), "pending"}));
  if (!estimate) return estimate.error();
  if (estimate->failed) return revert_error("the transaction", *estimate);
  auto gas = quantity(estimate->result);
  if (!gas) return gas.error();
  const std::uint64_t limit = *gas + *gas * options_.gas_margin_percent / 100;
  auto sent = submit(to, data, value, limit);
  if (!sent) {
    // Another sender may have used the nonce: ask the node once more.
    reset_nonce();
    sent = submit(to, data, value, limit);
    if (!sent) return sent.error();
  }
  auto receipt = wait_for_receipt(*sent);
  if (!receipt) {
    // Replaced or dropped: whether its nonce is used now, the node knows.
    if (receipt.error().code == Errc::not_found) reset_nonce();
    return receipt.error();
  }
  if (!receipt->succeeded) {
    return Error{Errc::invalid_argument, "transaction " + faultline::to_hex(sent->hash) +
                                             " reverted onchain after " +
                                             std::to_string(receipt->gas_used) + " gas"};
  }
  return receipt;
}

Result<SignedTransaction> Account::submit(const std::optional<Address>& to, const Bytes& data,
                                          const U256& value, std::uint64_t gas) {
  if (!nonce_) {
    auto count = rpc_->call("eth_getTransactionCount", Json::array({to_hex(address_), "pending"}));
    if (!count) return count.error();
    auto parsed = quantity(*count);
    if (!parsed) return parsed.error();
    nonce_ = *parsed;
  }
  Result<Json> sent = Error{Errc::io_error, ""};
  SignedTransaction signed_transaction;
  signed_transaction.nonce = *nonce_;
  if (signer_) {
    if (!chain_id_) {
      auto id = rpc_->call("eth_chainId", Json::array());
      if (!id) return id.error();
      auto parsed = quantity(*id);
      if (!parsed) return parsed.error();
      chain_id_ = *parsed;
    }
    auto block = rpc_->call("eth_getBlockByNumber", Json::array({"latest", false}));
    if (!block) return block.error();
    if (!block->is_object()) return malformed("to eth_getBlockByNumber is not a block");
    auto base_fee = quantity_field(*block, "baseFeePerGas");
    if (!base_fee) return base_fee.error();
    auto tip = rpc_->call("eth_maxPriorityFeePerGas", Json::array());
    if (!tip) return tip.error();
    auto priority = quantity(*tip);
    if (!priority) return priority.error();
    Transaction transaction;
    transaction.chain_id = *chain_id_;
    transaction.nonce = *nonce_;
    transaction.gas_limit = gas;
    transaction.to = to;
    transaction.value = value;
    transaction.data = data;
    // A transaction of ours may wait in the pool with this nonce (one sent before a reorg, stuck
    // behind a gap): the node takes a replacement only at a higher fee, so the fee doubles, at
    // most twice.
    U256 fee = *priority;
    for (int attempt = 0; attempt < 3; ++attempt, fee *= 2) {
      transaction.max_priority_fee_per_gas = fee;
      transaction.max_fee_per_gas = U256(*base_fee) * 2 + fee;
      signed_transaction.raw = sign_transaction(transaction, *signer_);
      signed_transaction.hash = keccak256(signed_transaction.raw);
      if (options_.before_broadcast) {
        if (auto recorded = options_.before_broadcast(signed_transaction); !recorded) {
          return recorded.error();
        }
      }
      sent = rpc_->call("eth_sendRawTransaction",
                        Json::array({faultline::to_hex(signed_transaction.raw)}));
      if (sent || sent.error().message.find("underpriced") == std::string::npos) break;
      if (fee == 0) fee = 1;
    }
  } else {
    Json call = call_object(to, data, value);
    call["gas"] = quantity_hex(gas);
    call["nonce"] = quantity_hex(*nonce_);
    sent = rpc_->call("eth_sendTransaction", Json::array({call}));
  }
  if (!sent) return sent.error();
  if (!sent->is_string()) return malformed("to a sent transaction is not its hash");
  const auto hash = hash_from_hex(sent->get<std::string>());
  if (!hash) return malformed("to a sent transaction is not its hash");
  if (signer_ && *hash != signed_transaction.hash) {
    return malformed("to eth_sendRawTransaction is not the hash of the transaction sent");
  }
  signed_transaction.hash = *hash;
  ++*nonce_;
  return signed_transaction;
}

Result<Receipt> Account::rebroadcast(const SignedTransaction& sent) {
  return wait_for_receipt(sent);
}

Result<Receipt> Account::wait_for_receipt(const SignedTransaction& sent) {
  const std::string hash = faultline::to_hex(sent.hash);
  const auto receipt = [&]() -> Result<std::optional<Receipt>> {
    auto found = rpc_->call("eth_getTransactionReceipt", Json::array({hash}));
    if (!found) return found.error();
    if (found->is_null()) return std::optional<Receipt>{};
    auto parsed = parse_receipt(*found);
    if (!parsed) return parsed.error();
    return std::optional<Receipt>(std::move(*parsed));
  };
  const auto deadline = std::chrono::steady_clock::now() + options_.receipt_timeout;
  // A local node mines at once; a public chain takes a block time: poll quickly at first, then
  // back off to receipt_poll.
  auto pause = std::chrono::milliseconds(2);
  while (true) {
    auto mined = receipt();
    if (!mined) return mined.error();
    if (*mined) return std::move(**mined);
    // Not mined. A transaction the node has forgotten (dropped from its pool, or replaced by
    // another with its nonce) is broadcast again; if the node refuses it, it is gone for good.
    auto known = rpc_->call("eth_getTransactionByHash", Json::array({hash}));
    if (!known) return known.error();
    if (known->is_null()) {
      std::string why = "the node dropped it and it was not signed here";
      if (!sent.raw.empty()) {
        auto again =
            rpc_->request("eth_sendRawTransaction", Json::array({faultline::to_hex(sent.raw)}));
        if (!again) return again.error();
        why = again->error_message;
        if (!again->failed) continue;
      }
      // It may have been mined meanwhile.
      mined = receipt();
      if (!mined) return mined.error();
      if (*mined) return std::move(**mined);
      return Error{Errc::not_found,
                   "transaction " + hash + " (nonce " + std::to_string(sent.nonce) +
                       ") was replaced or dropped and cannot be sent again: " + why};
    }
    // Known but not mined: it can be mined only once every lower nonce of the account is. If
    // none fills the gap below it (a reorg or a drop took earlier transactions), it waits for
    // ever: the caller decides again, with the node's count of nonces.
    auto pending =
        rpc_->call("eth_getTransactionCount", Json::array({to_hex(address_), "pending"}));
    if (!pending) return pending.error();
    auto filled = quantity(*pending);
    if (!filled) return filled.error();
    if (*filled < sent.nonce) {
      return Error{Errc::not_found, "transaction " + hash + " (nonce " +
                                        std::to_string(sent.nonce) + ") waits behind nonce " +
                                        std::to_string(*filled) +
                                        ", which no transaction of the account fills"};
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error{Errc::io_error,
                   "no receipt for transaction " + hash + " within the receipt timeout"};
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, options_.receipt_poll);
  }
}

}  // namespace faultline::chain
