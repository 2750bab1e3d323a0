// The client against a real node (anvil on 127.0.0.1): deployments and calls from a signed
// and an unlocked account, the dispute game contracts' ABI, reverts read as named errors, and
// nodes that are gone or answer garbage; transactions dropped from the pool or replaced.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "dispute_chain.hpp"
#include "faultline/chain/account.hpp"
#include "faultline/chain/anvil.hpp"
#include "faultline/file.hpp"
#include "faultline/keccak.hpp"

namespace {

using namespace faultline;
using namespace faultline::chain;
using test::creation_code;

Bytes with_arguments(Bytes code, const Bytes& arguments) {
  code.insert(code.end(), arguments.begin(), arguments.end());
  return code;
}

const ContractError kGameErrors[] = {
    {"WrongBond(uint256,uint256)"}, {"UnknownGameType(uint256)"}, {"InvalidParams(string)"}};

struct Node {
  AnvilProcess anvil = std::move(AnvilProcess::start(FAULTLINE_ANVIL).value());
  RpcClient rpc = *RpcClient::open(anvil.url());
};

/// GameParams as registerGameType takes it: one layer of k = 2, d = 3.
Bytes game_params(const Address& verifier) {
  const std::uint64_t arities[] = {2};
  const std::uint64_t depths[] = {3};
  return AbiEncoder()
      .address(verifier)
      .bytes32(Hash{})
      .uint_array(arities)
      .uint_array(depths)
      .address_array({})
      .uint(1000)
      .uint(100)
      .uint(U256("1000000000000000000"))
      .uint(25)
      .finish();
}

}  // namespace

TEST_CASE("a signed account deploys, registers a game type and creates a game") {
  Node node;
  AccountOptions options;
  options.errors.assign(std::begin(kGameErrors), std::end(kGameErrors));
  Account account(node.rpc, *Signer::from_key(*hash_from_hex(AnvilProcess::kDevKey)), options);
  CHECK(to_hex(account.address()) ==
        "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");  // the key's address is anvil's

  auto oracle = account.send(std::nullopt, creation_code("PreimageOracle.sol", "PreimageOracle"));
  REQUIRE(oracle.ok());
  REQUIRE(oracle->contract_address);
  auto verifier = account.send(
      std::nullopt,
      with_arguments(creation_code("SyntheticStepVerifier.sol", "SyntheticStepVerifier"),
                     AbiEncoder().address(*oracle->contract_address).finish()));
  REQUIRE(verifier.ok());
  auto factory =
      account.send(std::nullopt, creation_code("DisputeGameFactory.sol", "DisputeGameFactory"));
  REQUIRE(factory.ok());
  const Address factory_address = *factory->contract_address;

  // The transaction's sender, as the node recovered it from the signature, is the account.
  auto sent =
      node.rpc.call("eth_getTransactionByHash", Json::array({to_hex(factory->transaction_hash)}));
  REQUIRE(sent.ok());
  CHECK((*sent)["from"] == to_hex(account.address()));
  CHECK((*sent)["type"] == "0x2");

  AbiEncoder registration(
      "registerGameType((address,bytes32,uint8[],uint8[],address[],uint64,"
      "uint64,uint256,uint256))");
  registration.dynamic_tuple(game_params(*verifier->contract_address));
  REQUIRE(account.send(factory_address, registration.finish()).ok());

  // A wrong bond is refused before sending, with the contract's named error.
  AbiEncoder create("create(uint256,bytes32,bytes32)");
  create.uint(0).bytes32(Hash{1}).bytes32(Hash{2});
  const auto refused = account.send(factory_address, create.finish(), 5);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message,
             Catch::Contains("reverted: WrongBond(1000000000000000000, 5)"));
  CHECK(reverted_error(refused.error()) == "WrongBond");

  const auto created = account.send(factory_address, create.finish(), U256("1000000000000000000"));
  REQUIRE(created.ok());
  const Hash topic = event_topic("GameCreated(uint256,address,address,bytes32,bytes32)");
  const Log* event = nullptr;
  for (const Log& log : created->logs) {
    if (!log.topics.empty() && log.topics[0] == topic) event = &log;
  }
  REQUIRE(event != nullptr);
  REQUIRE(event->topics.size() == 4);
  const Address game = *AbiDecoder(event->topics[2]).address(0);
  const Address proposer = *AbiDecoder(event->topics[3]).address(0);
  CHECK(proposer == account.address());
  CHECK(*AbiDecoder(event->data).word(0) == Hash{1});

  auto count = account.view(game, AbiEncoder("nodeCount()").finish());
  REQUIRE(count.ok());
  CHECK(*AbiDecoder(*count).uint64(0) == 1);
  auto root = account.view(game, AbiEncoder("getNode(uint256)").uint(0).finish());
  REQUIRE(root.ok());
  const AbiDecoder fields(*root);
  CHECK(*fields.address(1) == account.address());  // claimant
  CHECK(*fields.uint64(0) == 0xffffffffu);         // no parent

  auto missing = account.view(game, AbiEncoder("getNode(uint256)").uint(5).finish());
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Catch::Contains("reverted: "));
}

TEST_CASE("an unlocked account sends without a key and counts its nonces") {
  Node node;
  Account account(node.rpc, *address_from_hex(AnvilProcess::kDevAccount));
  for (int i = 0; i < 3; ++i) {
    auto deployed =
        account.send(std::nullopt, creation_code("PreimageOracle.sol", "PreimageOracle"));
    REQUIRE(deployed.ok());
  }
  // Another sender uses the account's next nonce: the account asks the node again.
  Account other(node.rpc, *address_from_hex(AnvilProcess::kDevAccount));
  REQUIRE(other.send(std::nullopt, creation_code("PreimageOracle.sol", "PreimageOracle")).ok());
  CHECK(account.send(std::nullopt, creation_code("PreimageOracle.sol", "PreimageOracle")).ok());
}

TEST_CASE("a dropped transaction is sent again, a replaced one is reported at once") {
  Node node;
  const Hash key = *hash_from_hex(AnvilProcess::kDevKey);
  const Address payee = *address_from_hex("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");  // dev 1
  Account account(node.rpc, *Signer::from_key(key));
  const auto nonce = [&](const char* block) {
    auto count =
        node.rpc.call("eth_getTransactionCount", Json::array({AnvilProcess::kDevAccount, block}));
    REQUIRE(count.ok());
    return *quantity(*count);
  };

  SECTION("dropped from the pool while it waits: broadcast again and mined once") {
    std::atomic<bool> dropped{false};
    test::HandMiner miner(node.anvil.url(), [&](RpcClient& rpc) {
      if (!dropped) dropped = rpc.call("anvil_dropAllTransactions", Json::array()).ok();
    });
    auto paid = account.send(payee, {}, 1000);
    CHECK(dropped);
    REQUIRE(paid.ok());
    CHECK(paid->succeeded);
    CHECK(nonce("latest") == 1);
  }

  SECTION("replaced by another with its nonce: not_found at once, and the next send goes on") {
    // The key's owner cancels the waiting payment with a better-paid transfer to itself.
    std::atomic<bool> replaced{false};
    test::HandMiner miner(node.anvil.url(), [&](RpcClient& rpc) {
      if (replaced) return;
      Transaction cancel;
      cancel.chain_id = 31337;
      cancel.nonce = 0;
      cancel.max_priority_fee_per_gas = U256("100000000000");
      cancel.max_fee_per_gas = U256("200000000000");
      cancel.gas_limit = 21'000;
      cancel.to = *address_from_hex(AnvilProcess::kDevAccount);
      const Bytes raw = sign_transaction(cancel, *Signer::from_key(key));
      replaced = rpc.call("eth_sendRawTransaction", Json::array({to_hex(raw)})).ok();
    });
    const auto start = std::chrono::steady_clock::now();
    auto paid = account.send(payee, {}, 1000);
    CHECK(replaced);
    REQUIRE_FALSE(paid.ok());
    CHECK(paid.error().code == Errc::not_found);
    CHECK_THAT(paid.error().message, Catch::Contains("was replaced or dropped"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CHECK(nonce("latest") == 1);
    auto again = account.send(payee, {}, 1000);
    REQUIRE(again.ok());
    CHECK(nonce("latest") == 2);
  }

  SECTION("queued behind a gap a reorg left: not_found at once, and later sends fill the gap") {
    auto snapshot = node.rpc.call("evm_snapshot", Json::array());
    REQUIRE(snapshot.ok());
    REQUIRE(account.send(payee, {}, 1).ok());
    REQUIRE(account.send(payee, {}, 2).ok());
    // The reorg takes nonces 0 and 1; the account, unaware, sends with nonce 2.
    REQUIRE(node.rpc.call("evm_revert", Json::array({*snapshot})).ok());
    const auto start = std::chrono::steady_clock::now();
    auto stuck = account.send(payee, {}, 3);
    REQUIRE_FALSE(stuck.ok());
    CHECK(stuck.error().code == Errc::not_found);
    CHECK_THAT(stuck.error().message, Catch::Contains("waits behind nonce 0"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    // The account asks the node again; the transaction queued with nonce 2 is mined or
    // replaced (at a doubled fee) on the way.
    for (int i = 0; i < 3; ++i) {
      auto sent = account.send(payee, {}, 4);
      REQUIRE(sent.ok());
    }
    CHECK(nonce("latest") >= 3);
  }

  SECTION("a transaction signed before a crash: sent again if forgotten, reported if overtaken") {
    REQUIRE(node.rpc.call("evm_setAutomine", Json::array({false})).ok());
    Transaction payment;
    payment.chain_id = 31337;
    payment.nonce = 0;
    payment.max_priority_fee_per_gas = U256("1000000000");
    payment.max_fee_per_gas = U256("10000000000");
    payment.gas_limit = 21'000;
    payment.to = payee;
    payment.value = 7;
    SignedTransaction signed_payment;
    signed_payment.raw = sign_transaction(payment, *Signer::from_key(key));
    signed_payment.hash = keccak256(signed_payment.raw);
    REQUIRE(
        node.rpc.call("eth_sendRawTransaction", Json::array({to_hex(signed_payment.raw)})).ok());
    REQUIRE(node.rpc.call("anvil_dropAllTransactions", Json::array()).ok());
    REQUIRE(node.rpc.call("evm_setAutomine", Json::array({true})).ok());
    auto settled = account.rebroadcast(signed_payment);
    REQUIRE(settled.ok());
    CHECK(settled->transaction_hash == signed_payment.hash);
    CHECK(nonce("latest") == 1);
    // Its nonce used, a second payment with nonce 0 can never be mined.
    payment.value = 8;
    SignedTransaction stale;
    stale.raw = sign_transaction(payment, *Signer::from_key(key));
    stale.hash = keccak256(stale.raw);
    auto overtaken = account.rebroadcast(stale);
    REQUIRE_FALSE(overtaken.ok());
    CHECK(overtaken.error().code == Errc::not_found);
  }
}

TEST_CASE("a node that is gone or answers garbage is an error, not a crash") {
  RpcOptions quick;
  quick.attempts = 3;
  quick.backoff = std::chrono::milliseconds(10);
  quick.timeout = std::chrono::milliseconds(500);
  // Nobody listens on the port of a stopped node.
  std::string url;
  {
    Node node;
    url = node.anvil.url();
  }
  auto gone = RpcClient::open(url, quick);
  REQUIRE(gone.ok());
  const auto unreachable = gone->call("eth_chainId", Json::array());
  REQUIRE_FALSE(unreachable.ok());
  CHECK(unreachable.error().code == Errc::io_error);
  CHECK_THAT(unreachable.error().message, Catch::Contains("after 3 attempts"));

  // A server that answers every request with the same HTTP reply.
  const int server = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  getsockname(server, reinterpret_cast<sockaddr*>(&address), &length);
  listen(server, 8);
  const auto answer = [server](const std::string& body) {
    const int client = accept(server, nullptr, nullptr);
    char buffer[4096];
    (void)read(client, buffer, sizeof buffer);
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n\r\n" + body;
    (void)write(client, reply.data(), reply.size());
    close(client);
  };
  auto garbage =
      RpcClient::open("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)), quick);
  REQUIRE(garbage.ok());
  for (const std::string body :
       {"not json", "[1, 2]", "{\"jsonrpc\": \"2.0\"}", "{\"error\": 5}"}) {
    INFO(body);
    std::thread serve(answer, body);
    const auto reply = garbage->call("eth_chainId", Json::array());
    serve.join();
    REQUIRE_FALSE(reply.ok());
    CHECK(reply.error().code == Errc::malformed_input);
  }
  std::thread serve(answer, R"({"jsonrpc": "2.0", "id": 1, "result": "0x7a69z"})");
  const auto chain_id = garbage->call("eth_chainId", Json::array());
  serve.join();
  REQUIRE(chain_id.ok());
  CHECK_FALSE(quantity(*chain_id).ok());
  close(server);

  CHECK_FALSE(RpcClient::open("127.0.0.1:8545").ok());
  CHECK_FALSE(RpcClient::open("http://127.0.0.1:99999").ok());
  CHECK_FALSE(RpcClient::open("http://:8545").ok());
}

TEST_CASE("quantities are parsed strictly") {
  CHECK(*quantity(Json("0x1f")) == 31);
  CHECK(*quantity(Json("0xffffffffffffffff")) == ~std::uint64_t{0});
  for (const Json& bad :
       {Json("1f"), Json("0x"), Json("0x1_0"), Json(31), Json("0x10000000000000000")})
    CHECK_FALSE(quantity(bad).ok());
}
