#include "cbx/http/server.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <thread>
#include <variant>
#include <vector>

#include "http_server/listener.h"

namespace cbx::http {

using detail::Listener;
using detail::ServerState;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using unix_socket = net::local::stream_protocol;

struct Server::Impl {
  Impl(Handler handler, ServerOptions options)
      : state(std::make_shared<ServerState>(std::move(handler), options)) {}

  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<ServerState> state;
  std::vector<std::shared_ptr<Listener<tcp>>> tcp_listeners;
  std::vector<std::shared_ptr<Listener<unix_socket>>> unix_listeners;
  std::vector<std::string> unix_paths;
  std::vector<std::thread> threads;
  bool started = false;
  bool stopped = false;

  void run_thread() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        log::error("http io thread caught an exception", {{"error", e.what()}});
      }
    }
  }
};

Server::Server(Handler handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), options)) {}

Server::~Server() {
  shutdown(std::chrono::milliseconds{2000});
}

Result<std::uint16_t> Server::listen_tcp(std::string_view host, std::uint16_t port) {
  boost::system::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  std::string host_str = host.empty() ? "0.0.0.0" : std::string(host);
  auto results = resolver.resolve(host_str, std::to_string(port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return make_error("LISTEN_FAILED", "cannot resolve " + host_str + ": " + ec.message());
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  tcp::acceptor acceptor(net::make_strand(impl_->ioc));
  if (acceptor.open(endpoint.protocol(), ec) ||
      acceptor.set_option(net::socket_base::reuse_address(true), ec) ||
      acceptor.bind(endpoint, ec) ||
      acceptor.listen(net::socket_base::max_listen_connections, ec)) {
    return make_error("LISTEN_FAILED", "cannot listen on " + host_str + ":" + std::to_string(port) +
                                           ": " + ec.message());
  }
  std::uint16_t bound = acceptor.local_endpoint(ec).port();
  impl_->tcp_listeners.push_back(
      std::make_shared<Listener<tcp>>(impl_->ioc, std::move(acceptor), impl_->state));
  if (impl_->started) impl_->tcp_listeners.back()->run();
  return bound;
}

Status Server::listen_unix(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path.c_str());
  boost::system::error_code ec;
  unix_socket::acceptor acceptor(net::make_strand(impl_->ioc));
  unix_socket::endpoint endpoint(path);
  if (acceptor.open(endpoint.protocol(), ec) || acceptor.bind(endpoint, ec) ||
      acceptor.listen(net::socket_base::max_listen_connections, ec)) {
    return make_error("LISTEN_FAILED", "cannot listen on unix:" + path + ": " + ec.message());
  }
  impl_->unix_paths.push_back(path);
  impl_->unix_listeners.push_back(
      std::make_shared<Listener<unix_socket>>(impl_->ioc, std::move(acceptor), impl_->state));
  if (impl_->started) impl_->unix_listeners.back()->run();
  return ok_status();
}

void Server::start() {
  if (impl_->started) return;
  impl_->started = true;
  impl_->work.emplace(impl_->ioc.get_executor());
  for (auto& l : impl_->tcp_listeners) l->run();
  for (auto& l : impl_->unix_listeners) l->run();
  std::size_t n = std::max<std::size_t>(1, impl_->state->options.threads);
  for (std::size_t i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->run_thread(); });
}

void Server::shutdown(std::chrono::milliseconds grace) {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->state->stopping = true;
  for (auto& l : impl_->tcp_listeners) l->stop();
  for (auto& l : impl_->unix_listeners) l->stop();
  if (impl_->started) {
    impl_->state->close_idle_sessions();
    if (!impl_->state->wait_drained(std::chrono::steady_clock::now() + grace)) {
      log::warn("http shutdown: connections still open after the grace period",
                {{"connections", impl_->state->count()}});
    }
  }
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  for (const auto& p : impl_->unix_paths) ::unlink(p.c_str());
}

std::size_t Server::active_connections() const {
  return impl_->state->count();
}

std::size_t Server::waiting_connections() const {
  return impl_->state->waiting_count();
}

Result<HostPort> parse_host_port(std::string_view text) {
  std::string_view host, port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return make_error("BAD_ADDRESS", "expected [HOST]:PORT");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return make_error("BAD_ADDRESS", "expected HOST:PORT");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return make_error("BAD_ADDRESS", "IPv6 hosts go in brackets: [HOST]:PORT");
    }
  }
  unsigned value = 0;
  auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || err != std::errc{} || end != port.data() + port.size() || value > 65535) {
    return make_error("BAD_ADDRESS", "port must be a number from 0 to 65535");
  }
  return HostPort{host.empty() ? "0.0.0.0" : std::string(host), static_cast<std::uint16_t>(value)};
}

void block_termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_termination_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace cbx::http
