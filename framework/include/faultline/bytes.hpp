// Byte strings and 32-byte hashes: the currency of every commitment in faultline.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace faultline {

/// An owned byte string (encoded states, proofs, preimages, artifacts).
using Bytes = std::vector<std::uint8_t>;

/// A read-only view of bytes.
using ByteView = std::span<const std::uint8_t>;

/// A 32-byte digest or word; compares lexicographically, so it can key ordered maps.
using Hash = std::array<std::uint8_t, 32>;

/// Lower-case hex with a 0x prefix, as Ethereum tooling prints it.
std::string to_hex(ByteView bytes);
inline std::string to_hex(const Hash& hash) {
  return to_hex(ByteView(hash));
}

/// A number in hex with a 0x prefix ("0x1f"), for addresses in messages.
std::string hex_number(std::uint64_t value);

/// Parses hex with or without a 0x prefix; nullopt on odd length or a non-hex digit.
std::optional<Bytes> bytes_from_hex(std::string_view hex);

/// Parses exactly 32 bytes of hex; nullopt otherwise.
std::optional<Hash> hash_from_hex(std::string_view hex);

/// Views a string's characters as bytes (no copy).
inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace faultline
