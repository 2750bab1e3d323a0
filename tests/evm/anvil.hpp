// A local anvil node for EVM tests: started on 127.0.0.1 at a free port, spoken to over
// JSON-RPC (Boost.Beast), stopped by its pid when the test ends.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>

#include "faultline/bytes.hpp"
#include "faultline/keccak.hpp"

namespace faultline::test {

/// anvil's first dev account: unlocked, so eth_sendTransaction needs no signature.
inline constexpr const char* kDevAccount = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

class Anvil {
 public:
  using Json = nlohmann::json;

  explicit Anvil(const std::string& binary) {
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
      port_ = free_port();
      pid_ = fork();
      if (pid_ == 0) {
        const std::string port = std::to_string(port_);
        // No historical states: none is written to disk under ~/.foundry (see chain/src/anvil.cpp).
        execl(binary.c_str(), binary.c_str(), "--host", "127.0.0.1", "--port", port.c_str(),
              "--silent", "--prune-history", "256", static_cast<char*>(nullptr));
        _exit(127);
      }
      if (!wait_ready()) stop();
    }
    if (pid_ <= 0) throw std::runtime_error("anvil did not start: " + binary);
  }
  ~Anvil() { stop(); }
  Anvil(const Anvil&) = delete;
  Anvil& operator=(const Anvil&) = delete;

  /// One JSON-RPC call; throws with the node's message on an error response.
  nlohmann::json call(const std::string& method, nlohmann::json params) {
    const Json reply = raw_call(method, std::move(params));
    if (reply.contains("error") || !reply.contains("result")) {
      throw std::runtime_error(method + ": unexpected reply " + reply.dump());
    }
    return reply["result"];
  }

  /// One JSON-RPC call; returns the whole reply object (result or error).
  nlohmann::json raw_call(const std::string& method, nlohmann::json params) {
    namespace http = boost::beast::http;
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    boost::beast::tcp_stream stream(io);
    stream.connect(resolver.resolve("127.0.0.1", std::to_string(port_)));
    const nlohmann::json request = {
        {"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", std::move(params)}};
    http::request<http::string_body> post{http::verb::post, "/", 11};
    post.set(http::field::host, "127.0.0.1");
    post.set(http::field::content_type, "application/json");
    post.body() = request.dump();
    post.prepare_payload();
    http::write(stream, post);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    auto reply = nlohmann::json::parse(response.body());
    if (!reply.is_object()) throw std::runtime_error(method + ": not a reply: " + response.body());
    return reply;
  }

  /// Deploys creation code; returns the contract's address.
  std::string deploy(const std::string& bytecode) {
    const auto hash =
        call("eth_sendTransaction", Json::array({Json{{"from", kDevAccount}, {"data", bytecode}}}));
    const auto receipt = receipt_of(hash);
    if (receipt["status"] != "0x1") throw std::runtime_error("deployment reverted");
    return receipt["contractAddress"];
  }

  /// Sends a transaction; returns its receipt (status "0x1" on success).
  nlohmann::json transact(const std::string& to, const Bytes& data) {
    const auto hash =
        call("eth_sendTransaction",
             Json::array({Json{{"from", kDevAccount}, {"to", to}, {"data", to_hex(data)}}}));
    return receipt_of(hash);
  }

  /// eth_call from the dev account; returns the returned bytes.
  Bytes view(const std::string& to, const Bytes& data) {
    const auto result = call(
        "eth_call",
        Json::array({Json{{"from", kDevAccount}, {"to", to}, {"data", to_hex(data)}}, "latest"}));
    return *bytes_from_hex(result.get<std::string>());
  }

  /// What an eth_call returned, or the revert data if it reverted.
  struct CallOutcome {
    bool reverted = false;
    Bytes data;
  };

  /// eth_call from the dev account that reports a revert instead of throwing.
  CallOutcome try_view(const std::string& to, const Bytes& data) {
    const Json reply = raw_call(
        "eth_call",
        Json::array({Json{{"from", kDevAccount}, {"to", to}, {"data", to_hex(data)}}, "latest"}));
    if (reply.contains("result"))
      return {false, *bytes_from_hex(reply["result"].get<std::string>())};
    const Json& error = reply.at("error");
    if (!error.contains("data") || !error["data"].is_string()) {
      throw std::runtime_error("eth_call failed without revert data: " + reply.dump());
    }
    return {true, *bytes_from_hex(error["data"].get<std::string>())};
  }

 private:
  /// The receipt of a transaction, once anvil has mined it (it mines each one at once).
  Json receipt_of(const Json& hash) {
    for (int i = 0; i < 400; ++i) {
      auto receipt = call("eth_getTransactionReceipt", Json::array({hash}));
      if (!receipt.is_null()) return receipt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    throw std::runtime_error("no receipt for " + hash.dump());
  }

  static int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd);
    return ntohs(address.sin_port);
  }

  bool wait_ready() {
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      try {
        call("eth_chainId", Json::array());
        return true;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
    }
    return false;
  }

  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

  pid_t pid_ = -1;
  int port_ = 0;
  int id_ = 0;
};

/// Minimal ABI encoding for the calls the tests make.
struct Abi {
  static Bytes selector(std::string_view signature) {
    const Hash hash = keccak256(as_bytes(signature));
    Bytes out;
    out.reserve(4 + 32 * 8);
    for (int i = 0; i < 4; ++i)
      out.push_back(hash[static_cast<std::size_t>(i)]);
    return out;
  }
  static void word(Bytes& out, std::uint64_t value) {
    for (int i = 0; i < 24; ++i)
      out.push_back(0);
    for (int i = 7; i >= 0; --i)
      out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
  static void word(Bytes& out, const Hash& value) {
    out.insert(out.end(), value.begin(), value.end());
  }
  /// An address ("0x" and 40 hex digits), left-padded to a word.
  static void address(Bytes& out, const std::string& hex) {
    const Bytes bytes = *bytes_from_hex(hex);
    for (std::size_t i = bytes.size(); i < 32; ++i)
      out.push_back(0);
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  /// The tail of a dynamic `bytes` argument: length, then the data padded to 32 bytes.
  static void tail(Bytes& out, ByteView data) {
    word(out, data.size());
    for (const std::uint8_t byte : data)
      out.push_back(byte);
    for (std::size_t i = 0; i < (32 - data.size() % 32) % 32; ++i)
      out.push_back(0);
  }
};

}  // namespace faultline::test
