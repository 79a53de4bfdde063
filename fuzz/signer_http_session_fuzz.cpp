// The signer's HTTP session layer (common/src/http_server/session.h, the code every unauthenticated
// byte reaches first) on arbitrary input: the bytes go through a real socket pair into a Session,
// as a client would send them, then the client half-closes and reads everything the server
// answers. Must never crash; every answer must be well-formed HTTP with a status the server
// documents; no session may outlive its connection (the session table is empty afterwards).
// Linked with cbx_signer (name prefix "signer_") for cbx_http_server.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>

#include "cbx/base/log.h"
#include "http_server/session.h"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Local = net::local::stream_protocol;
using cbx::http::detail::ServerState;

cbx::http::Response echo(const cbx::http::Request& req) {
  std::size_t header_bytes = 0;
  for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size();
  return cbx::http::json_response(200, {{"method", req.method},
                                        {"path", std::string(req.path())},
                                        {"nonce", req.query_param("nonce").value_or("")},
                                        {"headers", header_bytes},
                                        {"body", req.body.size()}});
}

std::shared_ptr<ServerState> make_state() {
  cbx::log::set_sink([](const std::string&) {});
  cbx::http::ServerOptions o;
  o.body_limit = 4096;  // small limits so that the fuzzer reaches 413/431 and the lingering close
  o.header_limit = 1024;
  o.linger_max_bytes = 2048;
  return std::make_shared<ServerState>(echo, o);
}

bool documented_status(unsigned status) {
  switch (status) {
    case 100:
    case 200:
    case 400:
    case 413:
    case 431:
      return true;
    default:
      return false;
  }
}

// Every byte the server sent parses as a sequence of responses with documented statuses, all
// complete unless the connection was reset (a close with unread input may cut the last one).
void check_answers(const std::string& bytes, bool reset) {
  beast::flat_buffer buffer;
  auto prepared = buffer.prepare(bytes.size());
  buffer.commit(net::buffer_copy(prepared, net::buffer(bytes)));
  while (buffer.size() > 0) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.eager(true);
    parser.body_limit(1 << 20);
    beast::error_code ec;
    std::size_t used = parser.put(buffer.data(), ec);
    if (ec == bhttp::error::need_more || (!ec && !parser.is_done())) {
      if (reset) return;
      std::abort();  // a partial answer on a cleanly closed connection
    }
    if (ec) std::abort();  // a malformed answer
    buffer.consume(used);
    if (!documented_status(parser.get().result_int())) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static net::io_context ioc;
  static auto state = make_state();

  Local::socket client(ioc), server(ioc);
  net::local::connect_pair(client, server);
  auto session = std::make_shared<cbx::http::detail::Session<Local>>(std::move(server), state);
  session->run();
  session.reset();

  std::string input(reinterpret_cast<const char*>(data), size);
  std::string answers;
  bool reset = false;
  std::array<char, 4096> chunk{};
  std::function<void()> read_more = [&] {
    client.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      answers.append(chunk.data(), n);
      if (!ec) return read_more();
      reset = ec != net::error::eof;
    });
  };
  net::async_write(client, net::buffer(input), [&](beast::error_code, std::size_t) {
    beast::error_code ignored;
    client.shutdown(Local::socket::shutdown_send, ignored);
  });
  read_more();
  ioc.restart();
  ioc.run();

  if (state->count() != 0) std::abort();  // a session outlived its connection
  check_answers(answers, reset);
  return 0;
}
