#include "signer/unix_http_client.h"

// Boost 1.74 needs <utility> first: keep this block unsorted.
// clang-format off
// Boost 1.74 asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on
#include <openssl/crypto.h>

namespace cbx::signer {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using local = net::local::stream_protocol;

namespace {
constexpr std::size_t kMaxResponseBody = 4 << 20;  // quotes with event logs are tens of KB
}

Result<UnixHttpResponse> unix_http_post(const std::string& socket_path, const std::string& target,
                                        const std::string& json_body,
                                        std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::basic_stream<local> stream(ioc);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::host, "localhost");
  req.set(bhttp::field::content_type, "application/json");
  req.body() = json_body;
  req.prepare_payload();
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  beast::error_code result;

  stream.expires_after(timeout);
  stream.async_connect(local::endpoint(socket_path), [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      return;
    }
    bhttp::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      if (wec) {
        result = wec;
        return;
      }
      bhttp::async_read(stream, buffer, parser,
                        [&](beast::error_code rec, std::size_t) { result = rec; });
    });
  });
  ioc.run();
  // The read buffer held the raw answer (a GetKey answer carries key material): wipe it.
  buffer.consume(buffer.size());
  auto area = buffer.prepare(buffer.capacity());
  OPENSSL_cleanse(area.data(), area.size());

  if (result) {
    if (result == bhttp::error::body_limit ||
        result.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
      return make_error("AGENT_BAD_RESPONSE",
                        "malformed answer from the guest agent: " + result.message());
    }
    return make_error("AGENT_UNREACHABLE",
                      "guest agent at " + socket_path + ": " + result.message());
  }
  return UnixHttpResponse{parser.get().result_int(), std::move(parser.get().body())};
}

}  // namespace cbx::signer
