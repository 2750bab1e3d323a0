// ABI encoding and checked decoding.
#include "faultline/chain/abi.hpp"

#include <algorithm>

#include "faultline/keccak.hpp"

namespace faultline::chain {
namespace {

constexpr std::size_t kWord = 32;

Error malformed(const std::string& what) {
  return Error{Errc::malformed_input, "ABI data: " + what};
}

void append_word(Bytes& out, const Hash& word) {
  out.insert(out.end(), word.begin(), word.end());
}

/// `data` padded with zeros to a whole number of words.
void append_padded(Bytes& out, ByteView data) {
  out.insert(out.end(), data.begin(), data.end());
  out.resize(out.size() + (kWord - data.size() % kWord) % kWord, 0);
}

/// The types of a signature's arguments: "f(uint256,bytes)" gives {"uint256", "bytes"}.
/// Tuples are not split (the errors shown have none).
std::vector<std::string> argument_types(std::string_view signature) {
  std::vector<std::string> types;
  const auto open = signature.find('(');
  if (open == std::string_view::npos || signature.back() != ')') return types;
  std::string_view list = signature.substr(open + 1, signature.size() - open - 2);
  while (!list.empty()) {
    const auto comma = list.find(',');
    types.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return types;
}

}  // namespace

std::array<std::uint8_t, 4> selector(std::string_view signature) {
  const Hash hash = keccak256(as_bytes(signature));
  return {hash[0], hash[1], hash[2], hash[3]};
}

Hash event_topic(std::string_view signature) {
  return keccak256(as_bytes(signature));
}

Hash to_word(const U256& value) {
  Hash word{};
  U256 rest = value;
  for (std::size_t i = kWord; i-- > 0;) {
    word[i] = static_cast<std::uint8_t>(rest & 0xff);
    rest >>= 8;
  }
  return word;
}

U256 from_word(const Hash& word) {
  U256 value = 0;
  for (const std::uint8_t byte : word)
    value = value << 8 | byte;
  return value;
}

std::string to_decimal(const U256& value) {
  return value.str();
}

std::string to_hex(const Address& address) {
  return faultline::to_hex(ByteView(address));
}

std::optional<Address> address_from_hex(std::string_view hex) {
  if (!hex.starts_with("0x") && !hex.starts_with("0X")) return std::nullopt;
  const auto bytes = bytes_from_hex(hex);
  if (!bytes || bytes->size() != 20) return std::nullopt;
  Address address{};
  std::copy(bytes->begin(), bytes->end(), address.begin());
  return address;
}

// ---- Encoding ----

AbiEncoder::AbiEncoder(std::string_view signature) {
  const auto four = selector(signature);
  selector_.assign(four.begin(), four.end());
}

AbiEncoder& AbiEncoder::uint(const U256& value) {
  const Hash word = to_word(value);
  arguments_.push_back({false, Bytes(word.begin(), word.end())});
  return *this;
}

AbiEncoder& AbiEncoder::address(const Address& value) {
  Hash word{};
  std::copy(value.begin(), value.end(), word.begin() + 12);
  arguments_.push_back({false, Bytes(word.begin(), word.end())});
  return *this;
}

AbiEncoder& AbiEncoder::bytes32(const Hash& value) {
  arguments_.push_back({false, Bytes(value.begin(), value.end())});
  return *this;
}

AbiEncoder& AbiEncoder::bytes(ByteView value) {
  Bytes tail;
  append_word(tail, to_word(value.size()));
  append_padded(tail, value);
  arguments_.push_back({true, std::move(tail)});
  return *this;
}

AbiEncoder& AbiEncoder::bytes32_array(std::span<const Hash> values) {
  Bytes tail;
  append_word(tail, to_word(values.size()));
  for (const Hash& value : values)
    append_word(tail, value);
  arguments_.push_back({true, std::move(tail)});
  return *this;
}

AbiEncoder& AbiEncoder::uint_array(std::span<const std::uint64_t> values) {
  Bytes tail;
  append_word(tail, to_word(values.size()));
  for (const std::uint64_t value : values)
    append_word(tail, to_word(value));
  arguments_.push_back({true, std::move(tail)});
  return *this;
}

AbiEncoder& AbiEncoder::address_array(std::span<const Address> values) {
  Bytes tail;
  append_word(tail, to_word(values.size()));
  for (const Address& value : values) {
    Hash word{};
    std::copy(value.begin(), value.end(), word.begin() + 12);
    append_word(tail, word);
  }
  arguments_.push_back({true, std::move(tail)});
  return *this;
}

AbiEncoder& AbiEncoder::dynamic_tuple(Bytes encoded) {
  arguments_.push_back({true, std::move(encoded)});
  return *this;
}

Bytes AbiEncoder::finish() const {
  Bytes out = selector_;
  Bytes tails;
  const std::size_t heads = arguments_.size() * kWord;
  for (const Argument& argument : arguments_) {
    if (argument.dynamic) {
      append_word(out, to_word(heads + tails.size()));
      tails.insert(tails.end(), argument.data.begin(), argument.data.end());
    } else {
      out.insert(out.end(), argument.data.begin(), argument.data.end());
    }
  }
  out.insert(out.end(), tails.begin(), tails.end());
  return out;
}

// ---- Decoding ----

Result<Hash> AbiDecoder::word(std::size_t slot) const {
  if (slot >= data_.size() / kWord) {
    return malformed("slot " + std::to_string(slot) + " is past the end of " +
                     std::to_string(data_.size()) + " bytes");
  }
  Hash out{};
  std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(slot * kWord), kWord, out.begin());
  return out;
}

Result<U256> AbiDecoder::uint(std::size_t slot) const {
  auto value = word(slot);
  if (!value) return value.error();
  return from_word(*value);
}

Result<std::uint64_t> AbiDecoder::uint64(std::size_t slot) const {
  auto value = uint(slot);
  if (!value) return value.error();
  if (*value > std::numeric_limits<std::uint64_t>::max()) {
    return malformed("slot " + std::to_string(slot) + " does not fit 64 bits");
  }
  return static_cast<std::uint64_t>(*value);
}

Result<bool> AbiDecoder::boolean(std::size_t slot) const {
  auto value = uint(slot);
  if (!value) return value.error();
  if (*value > 1) return malformed("slot " + std::to_string(slot) + " is not a boolean");
  return *value == 1;
}

Result<Address> AbiDecoder::address(std::size_t slot) const {
  auto value = word(slot);
  if (!value) return value.error();
  if (std::any_of(value->begin(), value->begin() + 12, [](std::uint8_t b) { return b != 0; })) {
    return malformed("slot " + std::to_string(slot) + " is not an address");
  }
  Address out{};
  std::copy(value->begin() + 12, value->end(), out.begin());
  return out;
}

Result<std::size_t> AbiDecoder::tail(std::size_t slot) const {
  auto offset = uint64(slot);
  if (!offset) return offset.error();
  if (*offset % kWord != 0 || *offset > data_.size() || data_.size() - *offset < kWord) {
    return malformed("slot " + std::to_string(slot) + " points outside the data");
  }
  return static_cast<std::size_t>(*offset);
}

Result<Bytes> AbiDecoder::bytes(std::size_t slot) const {
  auto at = tail(slot);
  if (!at) return at.error();
  auto length = AbiDecoder(data_.subspan(*at)).uint64(0);
  if (!length) return length.error();
  const std::size_t start = *at + kWord;
  if (*length > data_.size() - start) return malformed("a bytes value runs past the end");
  return Bytes(data_.begin() + static_cast<std::ptrdiff_t>(start),
               data_.begin() + static_cast<std::ptrdiff_t>(start + *length));
}

Result<std::vector<Hash>> AbiDecoder::bytes32_array(std::size_t slot) const {
  auto at = tail(slot);
  if (!at) return at.error();
  const AbiDecoder items(data_.subspan(*at));
  auto count = items.uint64(0);
  if (!count) return count.error();
  if (*count > (items.size() / kWord) - 1) return malformed("an array runs past the end");
  std::vector<Hash> out;
  out.reserve(static_cast<std::size_t>(*count));
  for (std::size_t i = 0; i < *count; ++i)
    out.push_back(*items.word(1 + i));
  return out;
}

// ---- Revert data ----

std::string describe_revert(ByteView data, std::span<const ContractError> known) {
  static const ContractError kStandard[] = {{"Error(string)"}, {"Panic(uint256)"}};
  if (data.size() >= 4) {
    const auto matches = [&](const ContractError& error) {
      const auto four = selector(error.signature);
      return std::equal(four.begin(), four.end(), data.begin());
    };
    const ContractError* found = nullptr;
    for (const ContractError& error : known) {
      if (matches(error)) found = &error;
    }
    for (const ContractError& error : kStandard) {
      if (matches(error)) found = &error;
    }
    if (found != nullptr) {
      const std::string& signature = found->signature;
      const AbiDecoder arguments(data.subspan(4));
      std::string out = signature.substr(0, signature.find('(')) + "(";
      const auto types = argument_types(signature);
      bool decoded = true;
      for (std::size_t i = 0; i < types.size() && decoded; ++i) {
        if (i > 0) out += ", ";
        const std::string& type = types[i];
        if (type == "bytes" || type == "string") {
          auto value = arguments.bytes(i);
          decoded = value.ok();
          if (!decoded) break;
          if (type == "string") {
            out += "\"" + std::string(value->begin(), value->end()) + "\"";
          } else {
            out += value->size() >= 4 ? describe_revert(*value, known) : faultline::to_hex(*value);
          }
        } else if (type == "address") {
          auto value = arguments.address(i);
          decoded = value.ok();
          if (decoded) out += to_hex(*value);
        } else if (type == "bytes32") {
          auto value = arguments.word(i);
          decoded = value.ok();
          if (decoded) out += faultline::to_hex(*value);
        } else if (type == "bool") {
          auto value = arguments.boolean(i);
          decoded = value.ok();
          if (decoded) out += *value ? "true" : "false";
        } else {
          auto value = arguments.uint(i);
          decoded = value.ok();
          if (decoded) out += to_decimal(*value);
        }
      }
      if (decoded) return out + ")";
    }
  }
  return "revert data " + faultline::to_hex(data);
}

}  // namespace faultline::chain
