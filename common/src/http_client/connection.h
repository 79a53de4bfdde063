#pragma once
// One client connection (TCP, optionally TLS) with its own io_context, driven synchronously by
// the calling thread: every operation runs the io_context until it completes, its deadline
// passes (TIMEOUT) or a Cancellation fires (CANCELLED). A connection is used by one thread at a
// time; between requests it rests in the pool.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "cbx/base/result.h"
#include "cbx/http/beast_client.h"
#include "cbx/http/client.h"
#include "cbx/http/url.h"

namespace cbx::http {

class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;

  // tls is null for http URLs.
  static Result<std::unique_ptr<Connection>> open(
      const Url& url, const std::shared_ptr<boost::asio::ssl::context>& tls,
      const TlsOptions& tls_options, std::chrono::milliseconds timeout, Cancellation* cancel);

  // Writes the request and reads the whole response (body up to max_body bytes). On a kept-alive
  // connection the server had closed, returns code "STALE" (the request could not be written)
  // or "STALE_AFTER_WRITE" (it was written, but not one response byte came back).
  Result<Response> exchange(const WireRequest& request, Clock::time_point deadline,
                            std::size_t max_body, Cancellation* cancel);
  // Writes the request, reads the head, then hands a 2xx body to on_chunk as it arrives (each
  // read may wait up to idle); other bodies are collected (up to max_body) into the Response.
  Result<Response> exchange_streamed(const WireRequest& request, std::chrono::milliseconds idle,
                                     std::size_t max_body, const ChunkHandler& on_chunk,
                                     Cancellation* cancel);

  // True when the last response ended cleanly with keep-alive.
  bool reusable() const { return reusable_; }
  bool used() const { return used_; }
  // True when an idle connection has something to read: the server closed it (FIN, RST, TLS
  // close_notify) or sent unsolicited bytes. Either way it must not be reused (Go's transport
  // notices the same with a background read).
  bool peer_closed();
  Clock::time_point idle_since() const { return idle_since_; }
  void mark_idle() { idle_since_ = Clock::now(); }

 private:
  Connection() = default;
  Status connect(const Url& url, Clock::time_point deadline, Cancellation* cancel);
  Status handshake(const Url& url, const TlsOptions& tls_options, Clock::time_point deadline,
                   Cancellation* cancel);
  Status write(const WireRequest& request, Clock::time_point deadline, Cancellation* cancel);

  // Runs one asynchronous operation to completion. start(done) must start exactly one
  // operation whose handler calls done(ec).
  template <class Start>
  boost::system::error_code run(Start&& start, Clock::time_point deadline, Cancellation* cancel);
  void close();
  template <class F>
  decltype(auto) with_stream(F&& f);

  boost::asio::io_context ioc_;
  std::optional<boost::asio::ip::tcp::socket> socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  boost::beast::flat_buffer buffer_;
  bool reusable_ = false;
  bool used_ = false;
  Clock::time_point idle_since_ = Clock::now();
};

}  // namespace cbx::http
