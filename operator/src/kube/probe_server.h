#pragma once
// The operator's /healthz, /readyz and /metrics endpoint on cbx_http_server. Kept in its own
// translation unit: cbx/http/message.h (server) and cbx/http/client.h both define
// cbx::http::Request/Response, so no file may include both.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cbx/base/result.h"

namespace cbx::kube {

class ProbeServer {
 public:
  struct Hooks {
    std::function<bool()> ready;           // /readyz: 200 when true, else 503
    std::function<std::string()> metrics;  // /metrics: Prometheus text format
  };

  // address: "host:port" (port 0: any free port).
  static Result<std::unique_ptr<ProbeServer>> start(const std::string& address, Hooks hooks);
  ~ProbeServer();
  std::uint16_t port() const;
  void shutdown();

 private:
  struct Impl;
  explicit ProbeServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cbx::kube
