// An account that sends transactions and reads contracts: nonces, fees, gas estimates,
// receipts, and reverts described by their named errors.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "faultline/chain/abi.hpp"
#include "faultline/chain/rpc.hpp"
#include "faultline/chain/transaction.hpp"

namespace faultline::chain {

struct Log {
  Address address{};
  std::vector<Hash> topics;
  Bytes data;
  std::uint64_t block_number = 0;
  Hash block_hash{};
  std::uint64_t log_index = 0;
  Hash transaction_hash{};
  bool removed = false;  ///< a reorg took it out
};

struct Receipt {
  Hash transaction_hash{};
  bool succeeded = false;
  std::uint64_t block_number = 0;
  std::uint64_t gas_used = 0;
  std::optional<Address> contract_address;
  std::vector<Log> logs;
};

/// Checked parsers of a node's JSON (malformed_input for anything unexpected).
[[nodiscard]] Result<Log> parse_log(const Json& json);
[[nodiscard]] Result<Receipt> parse_receipt(const Json& json);

/// The name of the contract error a send or view error reports ("WrongBond"), if it reports a
/// revert of a named error.
[[nodiscard]] std::optional<std::string> reverted_error(const Error& error);

/// A transaction signed here, before it is broadcast.
struct SignedTransaction {
  Hash hash{};
  std::uint64_t nonce = 0;
  Bytes raw;  ///< the signed envelope, as eth_sendRawTransaction takes it (empty: the node signed)
};

struct AccountOptions {
  /// Named errors of the contracts the account calls, to describe their reverts.
  std::vector<ContractError> errors;
  /// Gas limit = estimate + estimate · margin / 100.
  unsigned gas_margin_percent = 20;
  std::chrono::milliseconds receipt_poll{1'000};  ///< the longest pause between polls
  std::chrono::milliseconds receipt_timeout{60'000};
  /// Called with every transaction signed here before it is broadcast; an error stops the
  /// send. A crash-safe caller records it, so that after a crash it knows what may be in
  /// flight (see rebroadcast()).
  std::function<Result<void>(const SignedTransaction&)> before_broadcast;
};

class Account {
 public:
  /// Transactions signed here by `signer` (eth_sendRawTransaction). `rpc` must outlive it.
  Account(RpcClient& rpc, Signer signer, AccountOptions options = {});
  /// Transactions of an account the node holds unlocked, such as anvil's dev accounts
  /// (eth_sendTransaction).
  Account(RpcClient& rpc, const Address& unlocked, AccountOptions options = {});

  [[nodiscard]] const Address& address() const noexcept { return address_; }
  [[nodiscard]] RpcClient& rpc() noexcept { return *rpc_; }

  /// Sends a call of `to` (a deployment if none) and waits for its receipt. A call that would
  /// revert is not sent: its error message says "reverted: " and the named error with its
  /// arguments. A transaction that reverts once mined is an error too. One the node drops
  /// while it waits is broadcast again; one replaced by another with its nonce is a not_found
  /// error.
  [[nodiscard]] Result<Receipt> send(const std::optional<Address>& to, const Bytes& data,
                                     const U256& value = 0);
  /// eth_call at the latest block; a revert is described as for send().
  [[nodiscard]] Result<Bytes> view(const Address& to, const Bytes& data);

  /// What became of a transaction signed here before (before a crash, say): its receipt once
  /// mined. A transaction the node has forgotten is broadcast again; not_found if the node
  /// refuses it (another transaction used its nonce: it was replaced, or dropped and
  /// overtaken). send() waits for its transaction the same way.
  [[nodiscard]] Result<Receipt> rebroadcast(const SignedTransaction& sent);

  /// Forgets the nonce it counts, so the next send asks the node (after another sender used
  /// the account, or a dropped transaction).
  void reset_nonce() noexcept { nonce_.reset(); }

 private:
  [[nodiscard]] Json call_object(const std::optional<Address>& to, const Bytes& data,
                                 const U256& value) const;
  [[nodiscard]] Error revert_error(std::string_view what, const RpcReply& reply) const;
  /// Signs (if a signer is here) and broadcasts; `raw` stays empty for an unlocked account.
  [[nodiscard]] Result<SignedTransaction> submit(const std::optional<Address>& to,
                                                 const Bytes& data, const U256& value,
                                                 std::uint64_t gas);
  [[nodiscard]] Result<Receipt> wait_for_receipt(const SignedTransaction& sent);

  RpcClient* rpc_;
  std::optional<Signer> signer_;
  Address address_{};
  AccountOptions options_;
  std::optional<std::uint64_t> chain_id_;
  std::optional<std::uint64_t> nonce_;
};

}  // namespace faultline::chain
