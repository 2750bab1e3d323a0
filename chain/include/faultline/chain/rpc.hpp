// JSON-RPC 2.0 over HTTP to an Ethereum node (Boost.Beast), with a timeout per request and
// retries with exponential backoff when the node cannot be reached. A reply that is not
// JSON-RPC is a malformed_input error, never a crash.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "faultline/bytes.hpp"
#include "faultline/error.hpp"

namespace faultline::chain {

using Json = nlohmann::json;

struct RpcOptions {
  std::chrono::milliseconds timeout{10'000};  ///< per request: connect, send, receive
  unsigned attempts = 5;                      ///< tries of a request the node did not answer
  std::chrono::milliseconds backoff{100};     ///< before the second try; doubles after
};

/// The node's answer to one request: its result, or its error (code, message, and data, which
/// for a reverted call is the revert data).
struct RpcReply {
  Json result;
  bool failed = false;
  std::int64_t error_code = 0;
  std::string error_message;
  std::optional<Bytes> error_data;
};

class RpcClient {
 public:
  /// A client of the node at `url` ("http://host:port", with an optional path). Nothing is sent
  /// yet; invalid_argument for a URL it cannot use.
  static Result<RpcClient> open(std::string_view url, RpcOptions options = {});

  /// One request. io_error once every attempt found no node (or a timeout); malformed_input
  /// when the node answers with something other than a JSON-RPC reply.
  [[nodiscard]] Result<RpcReply> request(std::string_view method, Json params);
  /// One request whose error reply is an error too ("eth_call: execution reverted").
  [[nodiscard]] Result<Json> call(std::string_view method, Json params);

  [[nodiscard]] const std::string& url() const noexcept { return url_; }

  /// Parses a JSON-RPC reply body (public for the fuzzer and tests).
  [[nodiscard]] static Result<RpcReply> parse_reply(std::string_view body);

 private:
  RpcClient(std::string url, std::string host, std::string port, std::string target,
            RpcOptions options)
      : url_(std::move(url)),
        host_(std::move(host)),
        port_(std::move(port)),
        target_(std::move(target)),
        options_(options) {}
  /// One HTTP exchange; the body, or io_error.
  Result<std::string> post(const std::string& body) const;

  std::string url_, host_, port_, target_;
  RpcOptions options_;
  std::uint64_t next_id_ = 1;
};

/// Hex quantities of JSON-RPC ("0x1a"): parsed strictly; malformed_input otherwise.
[[nodiscard]] Result<std::uint64_t> quantity(const Json& value);
[[nodiscard]] std::string quantity_hex(std::uint64_t value);

}  // namespace faultline::chain
