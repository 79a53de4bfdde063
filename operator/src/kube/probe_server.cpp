#include "kube/probe_server.h"

#include <chrono>

#include "cbx/http/server.h"

namespace cbx::kube {

struct ProbeServer::Impl {
  Hooks hooks;
  std::unique_ptr<http::Server> server;
  std::uint16_t port = 0;

  http::Response handle(const http::Request& req) const {
    auto path = req.path();
    if (path == "/healthz") return http::text_response(200, "ok\n");
    if (path == "/readyz") {
      return hooks.ready() ? http::text_response(200, "ok\n")
                           : http::text_response(503, "informer caches not synced\n");
    }
    if (path == "/metrics") {
      return http::text_response(200, hooks.metrics(), "text/plain; version=0.0.4");
    }
    return http::error_response(404, "NOT_FOUND", "no such path");
  }
};

Result<std::unique_ptr<ProbeServer>> ProbeServer::start(const std::string& address, Hooks hooks) {
  auto where = http::parse_host_port(address);
  if (!where) return where.error();
  auto impl = std::make_unique<Impl>();
  impl->hooks = std::move(hooks);
  http::ServerOptions options;
  options.threads = 1;
  options.max_connections = 32;
  Impl* raw = impl.get();
  impl->server = std::make_unique<http::Server>(
      [raw](const http::Request& req) { return raw->handle(req); }, options);
  auto port = impl->server->listen_tcp(where->host, where->port);
  if (!port) return port.error();
  impl->port = *port;
  impl->server->start();
  return std::unique_ptr<ProbeServer>(new ProbeServer(std::move(impl)));
}

ProbeServer::ProbeServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProbeServer::~ProbeServer() {
  shutdown();
}
std::uint16_t ProbeServer::port() const {
  return impl_->port;
}
void ProbeServer::shutdown() {
  if (impl_ && impl_->server) impl_->server->shutdown(std::chrono::seconds(2));
}

}  // namespace cbx::kube
