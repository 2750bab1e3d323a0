// Signing with libsecp256k1, RLP, EIP-1559 envelopes.
#include "faultline/chain/transaction.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cstdlib>

#include "faultline/file.hpp"
#include "faultline/keccak.hpp"

namespace faultline::chain {
namespace {

/// One context for the process: libsecp256k1 contexts are safe to share for signing.
const secp256k1_context* context() {
  static secp256k1_context* const kContext = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return kContext;
}

Result<Signer> from_hex_text(std::string text, const std::string& source) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  if (const auto newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
  const auto key = hash_from_hex(text);
  if (!key) {
    return Error{Errc::invalid_argument, source + " does not hold a private key (64 hex digits)"};
  }
  return Signer::from_key(*key);
}

/// The RLP items of a transaction before its signature.
std::vector<Bytes> unsigned_items(const Transaction& t) {
  return {
      rlp::integer(t.chain_id),
      rlp::integer(t.nonce),
      rlp::integer(t.max_priority_fee_per_gas),
      rlp::integer(t.max_fee_per_gas),
      rlp::integer(t.gas_limit),
      t.to ? rlp::string(*t.to) : rlp::string({}),
      rlp::integer(t.value),
      rlp::string(t.data),
      rlp::list({}),  // access list
  };
}

/// The length prefix of an item of `size` bytes: `short_base` + size, or `long_base` + the
/// size's byte count followed by the size.
Bytes prefix(std::size_t size, std::uint8_t short_base, std::uint8_t long_base) {
  if (size < 56) return {static_cast<std::uint8_t>(short_base + size)};
  Bytes length;
  for (std::size_t rest = size; rest != 0; rest >>= 8)
    length.insert(length.begin(), static_cast<std::uint8_t>(rest & 0xff));
  Bytes out{static_cast<std::uint8_t>(long_base + length.size())};
  out.insert(out.end(), length.begin(), length.end());
  return out;
}

}  // namespace

std::optional<Address> address_of_key(const Hash& key) {
  if (secp256k1_ec_seckey_verify(context(), key.data()) != 1) return std::nullopt;
  secp256k1_pubkey public_key;
  if (secp256k1_ec_pubkey_create(context(), &public_key, key.data()) != 1) return std::nullopt;
  std::array<std::uint8_t, 65> serialized{};
  std::size_t size = serialized.size();
  secp256k1_ec_pubkey_serialize(context(), serialized.data(), &size, &public_key,
                                SECP256K1_EC_UNCOMPRESSED);
  const Hash hash = keccak256(ByteView(serialized).subspan(1));  // without the 0x04 tag
  Address address{};
  std::copy(hash.begin() + 12, hash.end(), address.begin());
  return address;
}

Result<Signer> Signer::from_key(const Hash& key) {
  const auto address = address_of_key(key);
  if (!address) {
    return Error{Errc::invalid_argument, "not a secp256k1 private key (zero or past the order)"};
  }
  return Signer(key, *address);
}

Result<Signer> Signer::from_file(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  return from_hex_text(std::string(bytes->begin(), bytes->end()), path);
}

Result<Signer> Signer::from_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr)
    return Error{Errc::not_found, "environment variable " + name + " is not set"};
  return from_hex_text(value, "environment variable " + name);
}

Signature Signer::sign(const Hash& digest) const {
  secp256k1_ecdsa_recoverable_signature recoverable;
  // Cannot fail for a valid key (checked when the Signer was made) and the default nonces.
  secp256k1_ecdsa_sign_recoverable(context(), &recoverable, digest.data(), key_.data(), nullptr,
                                   nullptr);
  std::array<std::uint8_t, 64> compact{};
  int recovery_id = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact.data(), &recovery_id,
                                                          &recoverable);
  Signature signature;
  std::copy_n(compact.begin(), 32, signature.r.begin());
  std::copy_n(compact.begin() + 32, 32, signature.s.begin());
  signature.y_parity = static_cast<std::uint8_t>(recovery_id);
  return signature;
}

namespace rlp {

Bytes string(ByteView bytes) {
  if (bytes.size() == 1 && bytes[0] < 0x80) return {bytes[0]};
  Bytes out = prefix(bytes.size(), 0x80, 0xb7);
  out.insert(out.end(), bytes.begin(), bytes.end());
  return out;
}

Bytes integer(const U256& value) {
  const Hash word = to_word(value);
  std::size_t first = 0;
  while (first < word.size() && word[first] == 0)
    ++first;
  return string(ByteView(word).subspan(first));
}

Bytes list(const std::vector<Bytes>& items) {
  std::size_t size = 0;
  for (const Bytes& item : items)
    size += item.size();
  Bytes out = prefix(size, 0xc0, 0xf7);
  for (const Bytes& item : items)
    out.insert(out.end(), item.begin(), item.end());
  return out;
}

}  // namespace rlp

Hash signing_hash(const Transaction& transaction) {
  Bytes payload{0x02};
  const Bytes encoded = rlp::list(unsigned_items(transaction));
  payload.insert(payload.end(), encoded.begin(), encoded.end());
  return keccak256(payload);
}

Bytes encode_signed(const Transaction& transaction, const Signature& signature) {
  Bytes out{0x02};
  std::vector<Bytes> items = unsigned_items(transaction);
  items.push_back(rlp::integer(signature.y_parity));
  items.push_back(rlp::integer(from_word(signature.r)));
  items.push_back(rlp::integer(from_word(signature.s)));
  const Bytes encoded = rlp::list(items);
  out.insert(out.end(), encoded.begin(), encoded.end());
  return out;
}

Bytes sign_transaction(const Transaction& transaction, const Signer& signer) {
  return encode_signed(transaction, signer.sign(signing_hash(transaction)));
}

}  // namespace faultline::chain
