// Keccak-256: published Ethereum vectors, and Crypto++'s Keccak_256 as an independent
// reference over every length around the 136-byte block boundary.
#include <crypto++/keccak.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "faultline/keccak.hpp"

namespace {

using faultline::Bytes;
using faultline::Hash;
using faultline::keccak256;
using faultline::to_hex;

Hash reference_keccak256(faultline::ByteView data) {
  Hash out;
  CryptoPP::Keccak_256 hash;
  hash.CalculateDigest(out.data(), data.data(), data.size());
  return out;
}

Bytes random_bytes(std::mt19937_64& rng, std::size_t size) {
  Bytes out(size);
  for (auto& byte : out)
    byte = static_cast<std::uint8_t>(rng());
  return out;
}

}  // namespace

TEST_CASE("keccak256 matches published Ethereum vectors") {
  CHECK(to_hex(keccak256({})) ==
        "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  CHECK(to_hex(keccak256(faultline::as_bytes("abc"))) ==
        "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  CHECK(to_hex(keccak256(faultline::as_bytes("The quick brown fox jumps over the lazy dog"))) ==
        "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
  // The ERC-20 transfer selector is the first four bytes of this digest.
  CHECK(to_hex(keccak256(faultline::as_bytes("transfer(address,uint256)"))).substr(0, 10) ==
        "0xa9059cbb");
}

TEST_CASE("keccak256 agrees with Crypto++ at every length across block boundaries") {
  std::mt19937_64 rng(1);
  for (std::size_t size = 0; size <= 3 * 136 + 2; ++size) {
    const Bytes data = random_bytes(rng, size);
    INFO("size " << size);
    REQUIRE(keccak256(data) == reference_keccak256(data));
  }
  for (const std::size_t size : {135u, 136u, 137u, 271u, 272u, 273u}) {
    const Bytes data(size, 0x61);
    INFO("size " << size);
    CHECK(keccak256(data) == reference_keccak256(data));
  }
}

TEST_CASE("keccak256 of a long input (one million 'a')") {
  const std::string million(1'000'000, 'a');
  CHECK(keccak256(faultline::as_bytes(million)) ==
        reference_keccak256(faultline::as_bytes(million)));
}

TEST_CASE("keccak256_pairs gives the same digests on every implementation") {
  std::mt19937_64 rng(2);
  std::vector<Hash> input(2 * 37);
  for (auto& word : input) {
    const Bytes bytes = random_bytes(rng, 32);
    std::copy(bytes.begin(), bytes.end(), word.begin());
  }
  std::vector<Hash> expected(37);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    Bytes joined(input[2 * i].begin(), input[2 * i].end());
    joined.insert(joined.end(), input[2 * i + 1].begin(), input[2 * i + 1].end());
    expected[i] = reference_keccak256(joined);
  }
  const std::string original(faultline::keccak_pairs_implementation());
  for (const char* name : {"scalar", "avx2x4", "avx512x8"}) {
    if (!faultline::detail::force_keccak_pairs_implementation(name)) {
      WARN("this CPU cannot run " << name << "; not tested here");
      continue;
    }
    INFO(name);
    // Every count from 0 to 37 exercises full SIMD groups and each leftover size.
    for (std::size_t count = 0; count <= expected.size(); ++count) {
      std::vector<Hash> out(count);
      faultline::keccak256_pairs(input.data(), out.data(), count);
      REQUIRE(std::equal(out.begin(), out.end(), expected.begin()));
    }
    // In place, as the Merkle tree uses it.
    std::vector<Hash> in_place = input;
    faultline::keccak256_pairs(in_place.data(), in_place.data(), expected.size());
    CHECK(std::equal(expected.begin(), expected.end(), in_place.begin()));
    CHECK(faultline::keccak256_pair(input[0], input[1]) == expected[0]);
  }
  REQUIRE(faultline::detail::force_keccak_pairs_implementation(original));
  CHECK_FALSE(faultline::detail::force_keccak_pairs_implementation("no-such-thing"));
}
