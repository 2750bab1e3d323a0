// Keys, RLP and EIP-1559 transactions against an implementation nobody here wrote: Foundry's
// `cast` (wallet address, mktx) must print the very bytes faultline signs.
#include <catch2/catch.hpp>

#include "faultline/chain/transaction.hpp"
#include "faultline/file.hpp"
#include "run_command.hpp"

namespace {

using namespace faultline;
using namespace faultline::chain;

std::string cast(const std::string& arguments) {
  const auto result = test::run_command(std::string(FAULTLINE_CAST) + " " + arguments + " 2>&1");
  REQUIRE(result.status == 0);
  std::string out = result.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

Hash key_from(std::uint64_t seed) {
  Hash key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    key[i] = static_cast<std::uint8_t>(seed >> 56);
  }
  key[0] &= 0x7f;  // below the curve order
  return key;
}

std::string lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

TEST_CASE("addresses of keys are cast's") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Hash key = key_from(seed);
    auto signer = Signer::from_key(key);
    REQUIRE(signer.ok());
    CHECK(to_hex(signer->address()) == lower(cast("wallet address --private-key " + to_hex(key))));
  }
}

TEST_CASE("signed EIP-1559 transactions are byte for byte cast's") {
  struct Case {
    std::uint64_t nonce, gas, fee, tip, value;
    std::string data;  // hex without 0x
    bool create;
  };
  const Case cases[] = {
      {0, 21000, 1, 0, 0, "", false},
      {7, 50000, 3'000'000'000, 1'000'000'000, 5, "b3de648b09", false},
      {300, 1'000'000, 70'000'000'000, 2'000'000'000, 1'000'000'000'000'000'000ull,
       std::string(200, 'a'), false},
      {1, 3'000'000, 2'000'000'000, 1, 0, "6080604052" + std::string(120, '0'), true},
  };
  const Hash key = key_from(42);
  const Signer signer = *Signer::from_key(key);
  const Address to = *address_from_hex("0x000000000000000000000000000000000000dEaD");
  for (const Case& c : cases) {
    INFO("nonce " << c.nonce);
    Transaction t;
    t.chain_id = 31337;
    t.nonce = c.nonce;
    t.gas_limit = c.gas;
    t.max_fee_per_gas = c.fee;
    t.max_priority_fee_per_gas = c.tip;
    t.value = c.value;
    if (!c.create) t.to = to;
    t.data = *bytes_from_hex(c.data);
    const std::string expected = cast(
        "mktx --private-key " + to_hex(key) + " --chain 31337 --nonce " + std::to_string(c.nonce) +
        " --gas-limit " + std::to_string(c.gas) + " --gas-price " + std::to_string(c.fee) +
        " --priority-gas-price " + std::to_string(c.tip) + " --value " + std::to_string(c.value) +
        (c.create ? " --create 0x" + c.data : " " + to_hex(to) + " 0x" + c.data));
    CHECK(to_hex(sign_transaction(t, signer)) == expected);
  }
}

TEST_CASE("RLP lengths switch to long form at 56 bytes") {
  CHECK(rlp::string(Bytes{0x7f}) == Bytes{0x7f});
  CHECK(rlp::string(Bytes{0x80}) == Bytes{0x81, 0x80});
  CHECK(rlp::integer(0) == Bytes{0x80});
  CHECK(rlp::string(Bytes(55, 1)).front() == 0x80 + 55);
  const Bytes long_string = rlp::string(Bytes(56, 1));
  CHECK(Bytes(long_string.begin(), long_string.begin() + 2) == Bytes{0xb8, 56});
  const Bytes long_list = rlp::list({Bytes(1024, 0x11)});
  CHECK(Bytes(long_list.begin(), long_list.begin() + 3) == Bytes{0xf9, 0x04, 0x00});
}

TEST_CASE("keys that are not keys are refused with a clear error") {
  CHECK_FALSE(Signer::from_key(Hash{}).ok());
  Hash order_or_more{};
  order_or_more.fill(0xff);
  CHECK_FALSE(Signer::from_key(order_or_more).ok());
  CHECK(Signer::from_environment("FAULTLINE_NO_SUCH_KEY_VARIABLE").error().code == Errc::not_found);
  REQUIRE(write_file("key.txt", as_bytes("not a key\n")));
  CHECK_THAT(Signer::from_file("key.txt").error().message,
             Catch::Contains("does not hold a private key"));
  REQUIRE(write_file("key.txt", as_bytes(to_hex(key_from(3)) + "\n")));
  CHECK(Signer::from_file("key.txt").ok());
  std::remove("key.txt");
}
