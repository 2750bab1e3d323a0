// Keys and EIP-1559 transactions: a signer over libsecp256k1 (no elliptic-curve code of our
// own), RLP, and the typed transaction envelope that nodes accept with eth_sendRawTransaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "faultline/bytes.hpp"
#include "faultline/chain/abi.hpp"
#include "faultline/error.hpp"

namespace faultline::chain {

/// An ECDSA signature over secp256k1 in Ethereum's form: low s, and the parity of R's y.
struct Signature {
  Hash r{};
  Hash s{};
  std::uint8_t y_parity = 0;
};

/// A private key and its address. The key never leaves this object.
class Signer {
 public:
  /// invalid_argument for 0 or a key not below the curve order.
  static Result<Signer> from_key(const Hash& key);
  /// 64 hex digits (optionally 0x-prefixed) on the first line of a file.
  static Result<Signer> from_file(const std::string& path);
  /// 64 hex digits (optionally 0x-prefixed) in an environment variable.
  static Result<Signer> from_environment(const std::string& name);

  [[nodiscard]] const Address& address() const noexcept { return address_; }
  /// Signs a 32-byte digest (RFC 6979 nonces, so the same digest signs the same way).
  [[nodiscard]] Signature sign(const Hash& digest) const;

 private:
  Signer(const Hash& key, const Address& address) : key_(key), address_(address) {}
  Hash key_;
  Address address_;
};

/// The address of the uncompressed public key's last 20 Keccak bytes for `key`; nullopt for an
/// invalid key.
[[nodiscard]] std::optional<Address> address_of_key(const Hash& key);

/// Recursive-length-prefix encoding, for transactions.
namespace rlp {
/// A byte string item.
Bytes string(ByteView bytes);
/// An unsigned integer item: big-endian without leading zeros (0 is the empty string).
Bytes integer(const U256& value);
/// A list item of already-encoded items.
Bytes list(const std::vector<Bytes>& items);
}  // namespace rlp

/// An EIP-1559 (type 2) transaction.
struct Transaction {
  std::uint64_t chain_id = 1;
  std::uint64_t nonce = 0;
  U256 max_priority_fee_per_gas = 0;
  U256 max_fee_per_gas = 0;
  std::uint64_t gas_limit = 0;
  std::optional<Address> to;  ///< none: a contract creation
  U256 value = 0;
  Bytes data;
};

/// keccak256(0x02 || rlp(fields)): what the sender signs.
[[nodiscard]] Hash signing_hash(const Transaction& transaction);
/// 0x02 || rlp(fields, y parity, r, s): the bytes eth_sendRawTransaction takes.
[[nodiscard]] Bytes encode_signed(const Transaction& transaction, const Signature& signature);
/// Signs with `signer` and encodes.
[[nodiscard]] Bytes sign_transaction(const Transaction& transaction, const Signer& signer);

}  // namespace faultline::chain
