#pragma once
// One object per connection: read header (deadline) -> read body (deadline) -> handle -> write
// (deadline) -> next request on keep-alive. Template over the socket protocol (TCP or Unix).
// Boost 1.74 needs <utility> first: keep this block unsorted.
// clang-format off
// Boost 1.74 asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on
#include <memory>
#include <optional>

#include "cbx/base/log.h"
#include "http_server/server_state.h"

namespace cbx::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

Request from_beast(BeastRequest&& req);
BeastResponse to_beast(Response&& res, unsigned version, bool keep_alive);
// Runs the handler; an exception becomes a 500 (it never reaches the io thread).
Response call_handler(const Handler& handler, const Request& req);
bool is_http_parse_error(const beast::error_code& ec);

template <class Protocol>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Protocol>> {
 public:
  using Stream = beast::basic_stream<Protocol>;

  Session(typename Protocol::socket&& socket, std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)), state_(std::move(state)) {}
  ~Session() override {
    if (rejected_) {
      --state_->rejecting;
    } else {
      state_->remove(this);
    }
  }

  // Admitted: takes a slot under the connection cap and serves requests.
  void run() {
    state_->add(this, this->weak_from_this());
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::do_read_header, this->shared_from_this()));
  }

  // Over the connection cap: answer 503 without reading and close. Takes no slot; counted in
  // state.rejecting instead.
  void reject() {
    rejected_ = true;
    ++state_->rejecting;
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      self->write_error_and_close(503, "TOO_MANY_CONNECTIONS", "too many connections");
    });
  }

  void close_if_idle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->phase_ != Phase::busy) self->close_socket();
    });
  }

  void evict() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->phase_ == Phase::busy) return self->state_->eviction_refused(self.get());
      self->close_socket();
    });
  }

 private:
  // waiting: reading a request or lingering after an error answer (the client decides how long
  // that takes: evictable, closed at shutdown); busy: handling a request or writing its answer.
  enum class Phase { waiting, busy };

  const ServerOptions& opts() const { return state_->options; }

  void set_phase(Phase phase) {
    if (phase_ == phase) return;
    phase_ = phase;
    if (!rejected_) state_->set_waiting(this, phase == Phase::waiting);
  }

  void close_socket() {
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  void do_read_header() {
    if (state_->stopping) return do_close();
    set_phase(Phase::waiting);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(opts().header_limit));
    parser_->body_limit(opts().body_limit);
    // One deadline for the whole phase, however the bytes trickle in (each phase below too).
    stream_.expires_after(opts().header_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::on_read_header, this->shared_from_this()));
  }

  void on_read_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto expect = parser_->get()[bhttp::field::expect];
    if (iequals({expect.data(), expect.size()}, "100-continue")) {
      continue_.emplace(bhttp::status::continue_, parser_->get().version());
      stream_.expires_after(opts().write_timeout);
      return bhttp::async_write(
          stream_, *continue_,
          [self = this->shared_from_this()](beast::error_code wec, std::size_t) {
            if (wec) return self->do_close();
            self->do_read_body();
          });
    }
    do_read_body();
  }

  void do_read_body() {
    stream_.expires_after(opts().body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read_body, this->shared_from_this()));
  }

  void on_read_body(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    set_phase(Phase::busy);
    BeastRequest req = parser_->release();
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    Response res = call_handler(state_->handler, from_beast(std::move(req)));
    write(to_beast(std::move(res), version, keep_alive && !state_->stopping));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return write_error_and_close(413, "BODY_TOO_LARGE", "request body exceeds the limit");
    }
    if (ec == bhttp::error::header_limit) {
      return write_error_and_close(431, "HEADERS_TOO_LARGE", "request headers exceed the limit");
    }
    // A clean end of stream, a timeout, a reset: nothing to answer.
    if (ec == bhttp::error::end_of_stream || !is_http_parse_error(ec)) return do_close();
    if (ec == bhttp::error::partial_message) return do_close();
    write_error_and_close(400, "BAD_HTTP", "malformed HTTP request");
  }

  void write_error_and_close(unsigned status, std::string_view code, std::string_view message) {
    linger_ = true;
    write(to_beast(error_response(status, code, message), 11, false));
  }

  void write(BeastResponse&& res) {
    set_phase(Phase::busy);
    res_ = std::move(res);
    stream_.expires_after(opts().write_timeout);
    bhttp::async_write(stream_, res_,
                       beast::bind_front_handler(&Session::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (!ec && linger_) return start_lingering_close();
    if (ec || !res_.keep_alive()) return do_close();
    res_ = {};
    do_read_header();
  }

  void do_close() {
    set_phase(Phase::waiting);
    beast::error_code ec;
    stream_.socket().shutdown(Protocol::socket::shutdown_send, ec);
    // The socket closes when the last handler holding this session returns.
  }

  // After an error answer the client may still be sending: closing now would reset the connection
  // and could destroy the answer before the client reads it. Half-close, drain, then close: once,
  // within one deadline and a byte budget for the whole drain (a client that keeps trickling must
  // not keep the connection).
  void start_lingering_close() {
    set_phase(Phase::waiting);
    beast::error_code ec;
    stream_.socket().shutdown(Protocol::socket::shutdown_send, ec);
    stream_.expires_after(opts().linger_timeout);
    drain_.resize(16 * 1024);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(drain_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              // EOF, deadline, reset or budget spent: returning drops the last
                              // reference and closes.
                              if (ec || self->drained_ >= self->opts().linger_max_bytes) return;
                              self->drain();
                            });
  }

  Stream stream_;
  std::shared_ptr<ServerState> state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  BeastResponse res_;
  std::vector<char> drain_;
  std::size_t drained_ = 0;
  bool linger_ = false;
  bool rejected_ = false;
  Phase phase_ = Phase::busy;  // only touched on the session's strand
};

}  // namespace cbx::http::detail
