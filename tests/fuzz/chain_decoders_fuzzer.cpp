// What the chain client reads from a node, which an adversary may run: JSON-RPC replies and
// the receipts, logs and quantities in them, ABI-encoded return data, and revert data. Every
// decoder must give a value or an error for any input; values that decode must encode back
// to the bytes they came from.
#include <cstring>

#include "faultline/chain/account.hpp"
#include "faultline/chain/chain_game.hpp"
#include "fuzz_support.hpp"

using namespace faultline;
using namespace faultline::chain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView bytes(data, size);
  static const std::vector<ContractError> kErrors = dispute_game_errors();

  // ABI: every reader at the first slots; a bytes32[] or bytes that decodes re-encodes to a
  // tail with the same contents.
  const AbiDecoder decoder(bytes);
  for (std::size_t slot = 0; slot < 6; ++slot) {
    (void)decoder.uint64(slot);
    (void)decoder.boolean(slot);
    (void)decoder.address(slot);
    if (auto array = decoder.bytes32_array(slot); array.ok()) {
      const Bytes again = AbiEncoder().bytes32_array(*array).finish();
      fuzz::expect(*AbiDecoder(again).bytes32_array(0) == *array, "bytes32[] does not round-trip");
    }
    if (auto value = decoder.bytes(slot); value.ok()) {
      const Bytes again = AbiEncoder().bytes(*value).finish();
      fuzz::expect(*AbiDecoder(again).bytes(0) == *value, "bytes does not round-trip");
    }
  }
  (void)describe_revert(bytes, kErrors);

  // JSON-RPC: a reply, and what a result may hold.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto reply = RpcClient::parse_reply(text); reply.ok() && !reply->failed) {
    (void)parse_receipt(reply->result);
    (void)parse_log(reply->result);
    (void)quantity(reply->result);
    if (reply->result.is_array()) {
      for (const Json& entry : reply->result)
        (void)parse_log(entry);
    }
  }
  return 0;
}
