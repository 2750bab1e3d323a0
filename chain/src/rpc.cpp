// JSON-RPC over HTTP with Boost.Beast.
#include "faultline/chain/rpc.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <thread>

namespace faultline::chain {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

Error malformed(const std::string& what) {
  return Error{Errc::malformed_input, "the node's reply " + what};
}

}  // namespace

Result<RpcClient> RpcClient::open(std::string_view url, RpcOptions options) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    return Error{
        Errc::invalid_argument,
        "node URL '" + std::string(url) + "' must start with http:// (e.g. http://127.0.0.1:8545)"};
  }
  std::string_view rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string target =
      slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  const std::string_view authority = rest.substr(0, slash);
  const auto colon = authority.rfind(':');
  std::string host(authority.substr(0, colon));
  std::string port =
      colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  unsigned number = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (host.empty() || error != std::errc() || end != port.data() + port.size() || number == 0 ||
      number > 65535) {
    return Error{Errc::invalid_argument,
                 "node URL '" + std::string(url) + "' has no host and port"};
  }
  if (options.attempts == 0) options.attempts = 1;
  return RpcClient(std::string(url), std::move(host), std::move(port), target, options);
}

Result<std::string> RpcClient::post(const std::string& body) const {
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(options_.timeout);
    stream.connect(resolver.resolve(host_, port_));
    http::request<http::string_body> request{http::verb::post, target_, 11};
    request.set(http::field::host, host_);
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    stream.expires_after(options_.timeout);
    http::write(stream, request);
    beast::flat_buffer buffer;
    // Replies larger than this are not JSON-RPC answers faultline asks for.
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    stream.expires_after(options_.timeout);
    http::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    return std::move(parser.get().body());
  } catch (const std::exception& error) {
    return Error{Errc::io_error, "node " + url_ + ": " + error.what()};
  }
}

Result<RpcReply> RpcClient::parse_reply(std::string_view body) {
  const Json reply = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object()) return malformed("is not a JSON object");
  RpcReply out;
  if (const auto error = reply.find("error"); error != reply.end()) {
    if (!error->is_object()) return malformed("has an error that is not an object");
    out.failed = true;
    const auto code = error->find("code");
    if (code != error->end() && code->is_number_integer())
      out.error_code = code->get<std::int64_t>();
    const auto message = error->find("message");
    if (message != error->end() && message->is_string()) out.error_message = *message;
    const auto data = error->find("data");
    if (data != error->end() && data->is_string())
      out.error_data = bytes_from_hex(data->get<std::string>());
    return out;
  }
  const auto result = reply.find("result");
  if (result == reply.end()) return malformed("has neither a result nor an error");
  out.result = *result;
  return out;
}

Result<RpcReply> RpcClient::request(std::string_view method, Json params) {
  const Json request = {{"jsonrpc", "2.0"},
                        {"id", next_id_++},
                        {"method", std::string(method)},
                        {"params", std::move(params)}};
  const std::string body = request.dump();
  auto delay = options_.backoff;
  Error last{Errc::io_error, ""};
  for (unsigned attempt = 0; attempt < options_.attempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(delay);
      delay *= 2;
    }
    auto answer = post(body);
    if (!answer) {
      last = answer.error();
      continue;
    }
    auto reply = parse_reply(*answer);
    if (!reply) {
      return Error{reply.error().code, std::string(method) + ": " + reply.error().message};
    }
    return reply;
  }
  return Error{last.code, std::string(method) + ": " + last.message + " (after " +
                              std::to_string(options_.attempts) + " attempts)"};
}

Result<Json> RpcClient::call(std::string_view method, Json params) {
  auto reply = request(method, std::move(params));
  if (!reply) return reply.error();
  if (reply->failed) {
    return Error{Errc::invalid_argument, std::string(method) + ": " + reply->error_message};
  }
  return std::move(reply->result);
}

Result<std::uint64_t> quantity(const Json& value) {
  if (!value.is_string()) return malformed("has a quantity that is not a string");
  const std::string& text = value.get_ref<const std::string&>();
  if (text.size() < 3 || text.size() > 18 || !text.starts_with("0x")) {
    return malformed("has a quantity that is not 0x and 1 to 16 hex digits: " + text.substr(0, 40));
  }
  std::uint64_t out = 0;
  const auto [end, error] = std::from_chars(text.data() + 2, text.data() + text.size(), out, 16);
  if (error != std::errc() || end != text.data() + text.size()) {
    return malformed("has a quantity that is not hex: " + text);
  }
  return out;
}

std::string quantity_hex(std::uint64_t value) {
  return hex_number(value);
}

}  // namespace faultline::chain
