#include "cbx/http/beast_client.h"

#include <algorithm>
#include <boost/beast/http/verb.hpp>
#include <cctype>
#include <exception>

#include "http_client/connection_pool.h"
#include "http_client/tls_context.h"

namespace cbx::http {
namespace bhttp = boost::beast::http;

std::optional<std::string> client::find_header(const Headers& headers, std::string_view name) {
  auto equal = [](std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::tolower(static_cast<unsigned char>(x)) ==
             std::tolower(static_cast<unsigned char>(y));
    });
  };
  for (const auto& [key, value] : headers) {
    if (equal(key, name)) return value;
  }
  return std::nullopt;
}

namespace {

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

class BeastClient final : public HttpTransport {
 public:
  BeastClient(ClientOptions options, std::shared_ptr<boost::asio::ssl::context> tls)
      : options_(std::move(options)),
        tls_(std::move(tls)),
        pool_(options_.max_idle_per_host, options_.idle_ttl) {}

  // HttpTransport methods
  Result<Response> request(const Request& request) override {
    return execute(
        request,
        [&](Connection& conn, const Connection::WireRequest& wire) {
          return conn.exchange(wire, Connection::Clock::now() + request.timeout,
                               options_.max_body_bytes, nullptr);
        },
        nullptr);
  }

  Result<Response> stream(const Request& request, const ChunkHandler& on_chunk,
                          Cancellation* cancel) override {
    return execute(
        request,
        [&](Connection& conn, const Connection::WireRequest& wire) {
          return conn.exchange_streamed(wire, request.timeout, options_.max_body_bytes, on_chunk,
                                        cancel);
        },
        cancel);
  }

 private:
  // A kept-alive connection the server has closed meanwhile fails before any response byte; the
  // request then goes once more on a new connection, as Go's net/http does: always when it
  // could not even be written, and only for idempotent methods when it was (a POST the server
  // may have acted on is not sent twice).
  template <class Exchange>
  Result<Response> execute(const Request& request, Exchange&& exchange, Cancellation* cancel) {
    auto url = parse_url(request.url);
    if (!url) return url.error();
    auto wire = to_wire(request, *url);
    const std::string key = url->pool_key();
    for (int attempt = 0;; ++attempt) {
      auto conn = attempt == 0 ? pool_.acquire(key) : nullptr;
      if (!conn) {
        auto opened = Connection::open(*url, url->tls() ? tls_ : nullptr, options_.tls,
                                       options_.connect_timeout, cancel);
        if (!opened) return opened.error();
        conn = std::move(opened.value());
      }
      auto response = exchange(*conn, wire);
      if (!response) {
        const std::string& code = response.error().code;
        bool stale = code == "STALE" || code == "STALE_AFTER_WRITE";
        if (attempt == 0 && (code == "STALE" || (stale && idempotent(request.method)))) continue;
        if (stale) return make_error("TRANSPORT", "connection closed by the server");
        return response.error();
      }
      pool_.release(key, std::move(conn));
      return response;
    }
  }

  Connection::WireRequest to_wire(const Request& request, const Url& url) const {
    Connection::WireRequest wire;
    wire.version(11);
    wire.method_string(request.method);
    wire.target(url.target);
    wire.set(bhttp::field::host, url.host_header());
    wire.set(bhttp::field::user_agent, options_.user_agent);
    for (const auto& [name, value] : request.headers) wire.set(name, value);
    wire.body() = request.body;
    wire.keep_alive(true);
    wire.prepare_payload();
    return wire;
  }

  ClientOptions options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  ConnectionPool pool_;
};

}  // namespace

Result<std::unique_ptr<HttpTransport>> make_beast_client(ClientOptions options) {
  std::shared_ptr<boost::asio::ssl::context> tls;
  try {
    auto made = make_tls_context(options.tls);
    if (!made) return made.error();
    tls = std::move(made.value());
  } catch (const std::exception& e) {
    return make_error("TLS", std::string("creating TLS context: ") + e.what());
  }
  return std::unique_ptr<HttpTransport>(new BeastClient(std::move(options), std::move(tls)));
}

}  // namespace cbx::http
