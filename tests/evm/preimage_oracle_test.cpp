// The PreimageOracle contract on a real EVM (anvil) agrees with the C++ framework: the same
// keccak256 preimage keys and the same 32-byte parts of the length-prefixed stream.
#include <catch2/catch.hpp>
#include <random>

#include "anvil.hpp"
#include "faultline/file.hpp"
#include "faultline/preimage_oracle.hpp"

namespace {

using namespace faultline;

std::string creation_code(const std::string& artifact) {
  auto bytes = read_file(artifact);
  REQUIRE(bytes.ok());
  const auto json = nlohmann::json::parse(bytes->begin(), bytes->end());
  return json["bytecode"]["object"];
}

/// The part of the stream (8-byte big-endian length, then data) at `offset`, as the VM reads it.
Hash stream_part(ByteView data, std::uint64_t offset) {
  Hash part{};
  for (std::uint64_t i = 0; i < 32; ++i) {
    const std::uint64_t at = offset + i;
    if (at < 8)
      part[i] = static_cast<std::uint8_t>(data.size() >> (8 * (7 - at)));
    else if (at < 8 + data.size())
      part[i] = data[at - 8];
  }
  return part;
}

}  // namespace

TEST_CASE("PreimageOracle on anvil: keys and parts equal the C++ oracle's") {
  test::Anvil anvil(FAULTLINE_ANVIL);
  const std::string oracle = anvil.deploy(
      creation_code(FAULTLINE_CONTRACTS_OUT "/PreimageOracle.sol/PreimageOracle.json"));

  std::mt19937_64 rng(6);
  for (const std::size_t size : {0u, 1u, 23u, 24u, 25u, 56u, 100u, 300u}) {
    Bytes data(size);
    for (auto& byte : data)
      byte = static_cast<std::uint8_t>(rng());
    const PreimageKey key = keccak_preimage_key(data);  // the C++ framework's key
    for (std::uint64_t offset = 0; offset < 8 + size; offset += 32) {
      INFO("size " << size << " offset " << offset);
      Bytes load = test::Abi::selector("loadKeccak256PreimagePart(uint256,bytes)");
      test::Abi::word(load, offset);
      test::Abi::word(load, 64);  // where the bytes argument starts
      test::Abi::tail(load, data);
      const auto receipt = anvil.transact(oracle, load);
      INFO(receipt.dump());
      REQUIRE(receipt["status"] == "0x1");

      Bytes read = test::Abi::selector("readPreimage(bytes32,uint256)");
      test::Abi::word(read, key);
      test::Abi::word(read, offset);
      const Bytes result = anvil.view(oracle, read);
      REQUIRE(result.size() == 64);
      Hash part;
      std::copy_n(result.begin(), 32, part.begin());
      CHECK(part == stream_part(data, offset));
      std::uint64_t stream_length = 0;
      for (std::size_t i = 56; i < 64; ++i)
        stream_length = stream_length << 8 | result[i];
      CHECK(stream_length == 8 + size);
    }
  }

  // A key the oracle never saw: the read reverts (eth_call reports an error).
  Bytes read = test::Abi::selector("readPreimage(bytes32,uint256)");
  test::Abi::word(read, keccak_preimage_key(as_bytes("never loaded")));
  test::Abi::word(read, 0);
  CHECK_THROWS(anvil.view(oracle, read));
}

TEST_CASE("PreimageOracle on anvil: local keys are localized to the game as in C++") {
  test::Anvil anvil(FAULTLINE_ANVIL);
  const std::string oracle = anvil.deploy(
      creation_code(FAULTLINE_CONTRACTS_OUT "/PreimageOracle.sol/PreimageOracle.json"));
  std::mt19937_64 rng(8);
  for (const std::uint64_t slot : {0ull, 1ull, 2ull, 0xffff'ffff'ffff'ffffull}) {
    Address game;
    for (auto& byte : game)
      byte = static_cast<std::uint8_t>(rng());
    Bytes call = test::Abi::selector("localize(uint256,address)");
    test::Abi::word(call, slot);
    Hash padded{};
    std::copy(game.begin(), game.end(), padded.begin() + 12);
    test::Abi::word(call, padded);
    const Bytes result = anvil.view(oracle, call);
    REQUIRE(result.size() == 32);
    Hash onchain;
    std::copy_n(result.begin(), 32, onchain.begin());
    INFO("slot " << slot);
    CHECK(onchain == localized_preimage_key(slot, game));
  }
}
