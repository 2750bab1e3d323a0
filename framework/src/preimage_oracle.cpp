// Preimage keys and the in-memory oracle.
#include "faultline/preimage_oracle.hpp"

#include "faultline/keccak.hpp"

#include <algorithm>

namespace faultline {

PreimageKey keccak_preimage_key(ByteView data) noexcept {
  PreimageKey key = keccak256(data);
  key[0] = static_cast<std::uint8_t>(PreimageKeyType::keccak256);
  return key;
}

PreimageKey local_preimage_key(std::uint64_t slot) noexcept {
  PreimageKey key{};
  key[0] = static_cast<std::uint8_t>(PreimageKeyType::local);
  for (int i = 0; i < 8; ++i)
    key[31 - i] = static_cast<std::uint8_t>(slot >> (8 * i));
  return key;
}

PreimageKey localized_preimage_key(std::uint64_t slot, const Address& game) noexcept {
  std::array<std::uint8_t, 64> encoded{};
  const PreimageKey local = local_preimage_key(slot);
  std::copy(local.begin(), local.end(), encoded.begin());
  std::copy(game.begin(), game.end(), encoded.begin() + 44);  // abi.encode pads addresses left
  PreimageKey key = keccak256(encoded);
  key[0] = static_cast<std::uint8_t>(PreimageKeyType::local);
  return key;
}

std::optional<PreimageKeyType> preimage_key_type(const PreimageKey& key) noexcept {
  switch (key[0]) {
    case static_cast<std::uint8_t>(PreimageKeyType::local):
      return PreimageKeyType::local;
    case static_cast<std::uint8_t>(PreimageKeyType::keccak256):
      return PreimageKeyType::keccak256;
    default:
      return std::nullopt;
  }
}

PreimageKey InMemoryPreimageOracle::add(Bytes data) {
  const PreimageKey key = keccak_preimage_key(data);
  entries_.insert_or_assign(key, std::move(data));
  return key;
}

Result<void> InMemoryPreimageOracle::set_local(const PreimageKey& key, Bytes data) {
  if (preimage_key_type(key) != PreimageKeyType::local) {
    return Error{Errc::invalid_argument, "key " + to_hex(key) + " is not a local preimage key"};
  }
  entries_.insert_or_assign(key, std::move(data));
  return {};
}

PreimageKey InMemoryPreimageOracle::set_program_input(Bytes input) {
  const PreimageKey key = add(std::move(input));
  entries_.insert_or_assign(local_preimage_key(kProgramInputSlot), Bytes(key.begin(), key.end()));
  return key;
}

Result<ByteView> InMemoryPreimageOracle::get(const PreimageKey& key) const {
  const auto found = entries_.find(key);
  if (found == entries_.end()) {
    return Error{Errc::not_found, "no preimage for key " + to_hex(key)};
  }
  return ByteView(found->second);
}

}  // namespace faultline
