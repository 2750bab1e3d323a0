// ABI encoding by the rules, and decoding that turns every malformed input into an error.
#include <catch2/catch.hpp>

#include "faultline/chain/abi.hpp"

namespace {

using namespace faultline;
using namespace faultline::chain;

Bytes words(std::initializer_list<std::uint64_t> values) {
  Bytes out;
  for (const std::uint64_t value : values) {
    const Hash word = to_word(value);
    out.insert(out.end(), word.begin(), word.end());
  }
  return out;
}

}  // namespace

TEST_CASE("selectors and topics are Keccak-256 of the signature") {
  CHECK(to_hex(ByteView(selector("transfer(address,uint256)"))) == "0xa9059cbb");
  CHECK(to_hex(event_topic("Transfer(address,address,uint256)")) ==
        "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST_CASE("dynamic arguments go to the tail, their heads hold offsets") {
  // f(uint256, bytes, bytes32[]) with 7, "ab", [h]: the example layout of the ABI spec.
  Hash h{};
  h[31] = 9;
  const Bytes encoded = AbiEncoder().uint(7).bytes(as_bytes("ab")).bytes32_array({&h, 1}).finish();
  Bytes expected = words({7, 96, 160, 2});
  expected.insert(expected.end(), {'a', 'b'});
  expected.resize(expected.size() + 30, 0);
  const Bytes rest = words({1, 9});
  expected.insert(expected.end(), rest.begin(), rest.end());
  CHECK(encoded == expected);
  const AbiDecoder decoder(encoded);
  CHECK(*decoder.uint64(0) == 7);
  CHECK(*decoder.bytes(1) == Bytes{'a', 'b'});
  CHECK(*decoder.bytes32_array(2) == std::vector<Hash>{h});
}

TEST_CASE("malformed ABI data is an error, never a crash") {
  const Bytes data = words({32, 1u << 30});  // a bytes value claiming a gigabyte
  CHECK(AbiDecoder(data).bytes(0).error().code == Errc::malformed_input);
  CHECK_FALSE(AbiDecoder(words({7})).bytes(0).ok());           // offset not a multiple of 32
  CHECK_FALSE(AbiDecoder(words({64})).bytes32_array(0).ok());  // offset past the end
  CHECK_FALSE(AbiDecoder(words({2})).boolean(0).ok());
  CHECK_FALSE(AbiDecoder(Bytes(31, 0)).word(0).ok());
  Bytes high = words({0});
  high[0] = 1;
  CHECK_FALSE(AbiDecoder(high).address(0).ok());
  CHECK_FALSE(AbiDecoder(high).uint64(0).ok());
  CHECK(AbiDecoder(high).uint(0).ok());
  // An array whose count runs past the data.
  CHECK_FALSE(AbiDecoder(words({32, 5, 1})).bytes32_array(0).ok());
}

TEST_CASE("reverts read as their named errors, nested ones too") {
  const ContractError errors[] = {
      {"WrongBond(uint256,uint256)"}, {"InvalidStep(bytes)"}, {"MalformedState(uint256)"}};
  AbiEncoder wrong_bond("WrongBond(uint256,uint256)");
  wrong_bond.uint(U256("1562500000000000000")).uint(5);
  CHECK(describe_revert(wrong_bond.finish(), errors) == "WrongBond(1562500000000000000, 5)");
  AbiEncoder inner("MalformedState(uint256)");
  inner.uint(23);
  AbiEncoder outer("InvalidStep(bytes)");
  outer.bytes(inner.finish());
  CHECK(describe_revert(outer.finish(), errors) == "InvalidStep(MalformedState(23))");
  AbiEncoder message("Error(string)");
  message.bytes(as_bytes("no"));
  CHECK(describe_revert(message.finish(), errors) == "Error(\"no\")");
  CHECK(describe_revert(Bytes{1, 2, 3, 4}, errors) == "revert data 0x01020304");
  // Arguments that do not decode fall back to the raw data.
  Bytes cut = wrong_bond.finish();
  cut.resize(20);
  CHECK(describe_revert(cut, errors).starts_with("revert data 0x"));
}
