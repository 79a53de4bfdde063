#pragma once
// Accepts connections on one endpoint and hands each to its own Session on its own strand.
#include <algorithm>
#include <memory>

#include "http_server/session.h"

namespace cbx::http::detail {

template <class Protocol>
class Listener : public std::enable_shared_from_this<Listener<Protocol>> {
 public:
  using Acceptor = typename Protocol::acceptor;

  Listener(net::io_context& ioc, Acceptor&& acceptor, std::shared_ptr<ServerState> state)
      : ioc_(ioc), acceptor_(std::move(acceptor)), retry_(ioc), state_(std::move(state)) {}

  void run() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&Listener::do_accept, this->shared_from_this()));
  }

  void stop() {
    net::post(acceptor_.get_executor(), [self = this->shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->retry_.cancel();
    });
  }

 private:
  void do_accept() {
    if (!acceptor_.is_open()) return;
    acceptor_.async_accept(
        net::make_strand(ioc_),
        beast::bind_front_handler(&Listener::on_accept, this->shared_from_this()));
  }

  void on_accept(beast::error_code ec, typename Protocol::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Typically EMFILE: back off a little instead of spinning.
      log::warn("http accept failed", {{"error", ec.message()}});
      retry_.expires_after(std::chrono::milliseconds{50});
      retry_.async_wait([self = this->shared_from_this()](beast::error_code wec) {
        if (!wec) self->do_accept();
      });
      return;
    }
    if (state_->stopping) return;  // socket closes as it goes out of scope
    admit(std::move(socket));
    do_accept();
  }

  // Under the cap: serve. At the cap: evict the session that waited longest for its client, or,
  // when every session is busy, answer 503 (a bounded number at a time; beyond that, just close).
  void admit(typename Protocol::socket socket) {
    auto admission = state_->admit();
    if (admission.victim) admission.victim->evict();
    auto session = std::make_shared<Session<Protocol>>(std::move(socket), state_);
    if (admission.admit) return session->run();
    auto max_rejecting = std::max<std::size_t>(state_->options.max_connections, 64);
    if (state_->rejecting.load() < max_rejecting) session->reject();
  }

  net::io_context& ioc_;
  Acceptor acceptor_;
  net::steady_timer retry_;
  std::shared_ptr<ServerState> state_;
};

}  // namespace cbx::http::detail
