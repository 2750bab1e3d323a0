// Solidity's contract ABI for the calls, events and errors faultline's contracts use: 256-bit
// words, addresses, booleans, bytes32, and the dynamic bytes, bytes32[] and uint64[].
#pragma once

#include <array>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"
#include "faultline/preimage_oracle.hpp"

namespace faultline::chain {

/// An unsigned 256-bit word: wei amounts, uint256 arguments.
using U256 = boost::multiprecision::uint256_t;

/// The 4-byte selector of a function or error signature ("counter(uint256,uint256)").
[[nodiscard]] std::array<std::uint8_t, 4> selector(std::string_view signature);

/// The 32-byte topic of an event signature.
[[nodiscard]] Hash event_topic(std::string_view signature);

[[nodiscard]] Hash to_word(const U256& value);
[[nodiscard]] U256 from_word(const Hash& word);
[[nodiscard]] std::string to_decimal(const U256& value);

/// "0x" and 40 hex digits, as nodes print addresses (lower case).
[[nodiscard]] std::string to_hex(const Address& address);
/// Parses "0x" and 40 hex digits (any case); nullopt otherwise.
[[nodiscard]] std::optional<Address> address_from_hex(std::string_view hex);

/// Builds call data: the selector, then the arguments' heads, then the dynamic ones' tails.
class AbiEncoder {
 public:
  /// Arguments without a selector (constructor arguments, event data in tests).
  AbiEncoder() = default;
  /// A call of `signature`.
  explicit AbiEncoder(std::string_view signature);

  AbiEncoder& uint(const U256& value);
  AbiEncoder& uint(std::uint64_t value) { return uint(U256(value)); }
  AbiEncoder& boolean(bool value) { return uint(value ? 1u : 0u); }
  AbiEncoder& address(const Address& value);
  AbiEncoder& bytes32(const Hash& value);
  AbiEncoder& bytes(ByteView value);
  AbiEncoder& bytes32_array(std::span<const Hash> values);
  /// uint8[], uint64[], uint256[] of small values: one word each.
  AbiEncoder& uint_array(std::span<const std::uint64_t> values);
  AbiEncoder& address_array(std::span<const Address> values);
  /// A dynamic tuple (struct) argument whose own encoding is `encoded` (an AbiEncoder's
  /// finish() without selector).
  AbiEncoder& dynamic_tuple(Bytes encoded);

  [[nodiscard]] Bytes finish() const;

 private:
  struct Argument {
    bool dynamic = false;
    Bytes data;  ///< the head word, or the tail of a dynamic argument
  };
  Bytes selector_;
  std::vector<Argument> arguments_;
};

/// Reads ABI-encoded data (return data, event data, revert arguments after the selector)
/// slot by slot. Every offset and length is checked: data from a node is untrusted, and what
/// does not decode is a malformed_input error, never a crash.
class AbiDecoder {
 public:
  explicit AbiDecoder(ByteView data) : data_(data) {}

  [[nodiscard]] Result<Hash> word(std::size_t slot) const;
  [[nodiscard]] Result<U256> uint(std::size_t slot) const;
  /// A uint256 that must fit 64 bits.
  [[nodiscard]] Result<std::uint64_t> uint64(std::size_t slot) const;
  [[nodiscard]] Result<bool> boolean(std::size_t slot) const;
  [[nodiscard]] Result<Address> address(std::size_t slot) const;
  [[nodiscard]] Result<Bytes> bytes(std::size_t slot) const;
  [[nodiscard]] Result<std::vector<Hash>> bytes32_array(std::size_t slot) const;

  [[nodiscard]] std::size_t size() const noexcept { return data_.size(); }

 private:
  /// The tail a dynamic argument's head points at: its length word's position.
  [[nodiscard]] Result<std::size_t> tail(std::size_t slot) const;
  ByteView data_;
};

/// A named error a contract may revert with, by its signature ("WrongBond(uint256,uint256)").
/// Arguments of the types AbiDecoder reads are shown in messages.
struct ContractError {
  std::string signature;
};

/// Revert data as a person reads it: "WrongBond(1562500000000000000, 1250000000000000000)" for
/// one of `known` errors (or Error(string) and Panic(uint256)), a nested `bytes` argument that
/// is itself revert data shown the same way; otherwise "revert data 0x…".
[[nodiscard]] std::string describe_revert(ByteView data, std::span<const ContractError> known);

}  // namespace faultline::chain
