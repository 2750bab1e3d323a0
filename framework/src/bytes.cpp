// Hex formatting and parsing for hashes and byte strings.
#include "faultline/bytes.hpp"

#include <cstring>

namespace faultline {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

int digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(ByteView bytes) {
  std::string out = "0x";
  out.reserve(2 + 2 * bytes.size());
  for (const std::uint8_t byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

std::string hex_number(std::uint64_t value) {
  char buffer[19];
  int position = sizeof buffer;
  do {
    buffer[--position] = kDigits[value & 0xf];
    value >>= 4;
  } while (value != 0);
  return "0x" + std::string(buffer + position, buffer + sizeof buffer);
}

std::optional<Bytes> bytes_from_hex(std::string_view hex) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.size() % 2 != 0) return std::nullopt;
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = digit_value(hex[2 * i]);
    const int low = digit_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return out;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  const auto bytes = bytes_from_hex(hex);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash out;
  std::memcpy(out.data(), bytes->data(), 32);
  return out;
}

}  // namespace faultline
