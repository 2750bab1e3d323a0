// Preimage oracle: how programs read their inputs. Data is addressed by a 32-byte key whose
// first byte says how the key binds the data (the convention of OP's fault proof VM):
//   type 2, keccak256: the key is keccak256(data) with byte 0 set to 2; anyone can supply the
//           data and anyone can check it against the key.
//   type 1, local:     the key names a slot of one game (its input commitment, its claimed
//           output); the data is bound to the game, not to the key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"

namespace faultline {

/// Byte 0 of a preimage key.
enum class PreimageKeyType : std::uint8_t { local = 1, keccak256 = 2 };

/// A 32-byte preimage key.
using PreimageKey = Hash;

/// The keccak256-type key of `data`.
PreimageKey keccak_preimage_key(ByteView data) noexcept;

/// The local key for slot `slot` of a game: type byte 1, slot big-endian in the last 8 bytes.
PreimageKey local_preimage_key(std::uint64_t slot) noexcept;

/// A 20-byte Ethereum address (of the game contract that owns local data).
using Address = std::array<std::uint8_t, 20>;

/// The key under which the onchain PreimageOracle stores local `slot` of the game at `game`:
/// keccak256(local_preimage_key(slot) || game, the address left-padded to 32 bytes) with byte 0
/// set to 1 (contracts/src/PreimageOracle.sol, localize). Games bind their local data this way.
PreimageKey localized_preimage_key(std::uint64_t slot, const Address& game) noexcept;

/// By convention, local slot 1 holds the keccak256-type key of the program's input, so a guest
/// reads its input by asking for local slot 1 and then for the key found there.
inline constexpr std::uint64_t kProgramInputSlot = 1;

/// The key's type, or nullopt if byte 0 is not a known type.
std::optional<PreimageKeyType> preimage_key_type(const PreimageKey& key) noexcept;

/// A source of preimages. Implementations serve them from memory, files, a network service or
/// a chain; the VM reads a preimage through its oracle channel one part at a time.
class PreimageOracle {
 public:
  virtual ~PreimageOracle() = default;

  /// The whole preimage of `key`; not_found if this oracle has none. The view stays valid as
  /// long as the oracle is not modified.
  [[nodiscard]] virtual Result<ByteView> get(const PreimageKey& key) const = 0;
};

/// Preimages held in memory: what the executor serves off-chain and what tests use.
class InMemoryPreimageOracle final : public PreimageOracle {
 public:
  /// Stores data under its keccak256 key and returns the key.
  PreimageKey add(Bytes data);

  /// Stores data under a local key; invalid_argument if the key's type byte is not local.
  Result<void> set_local(const PreimageKey& key, Bytes data);

  /// Stores `input` under its keccak256 key and that key in local slot kProgramInputSlot.
  /// Returns the input's key (the input commitment).
  PreimageKey set_program_input(Bytes input);

  [[nodiscard]] Result<ByteView> get(const PreimageKey& key) const override;

 private:
  std::map<PreimageKey, Bytes> entries_;
};

}  // namespace faultline
