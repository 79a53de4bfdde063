#pragma once
// Delegated Routing V1 HTTP API, IPNS part: GET and PUT /routing/v1/ipns/{name} with
// Content-Type application/vnd.ipfs.ipns-record (research/wire-formats.md §4). Transport errors
// and 5xx are retried a few times with backoff inside one call; 429 comes back as RATE_LIMITED
// with the server's Retry-After so the caller defers that endpoint.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/http/client.h"

namespace cbx::op {

inline constexpr char kIpnsRecordMediaType[] = "application/vnd.ipfs.ipns-record";

struct RoutingOptions {
  std::chrono::milliseconds timeout{10000};
  int attempts = 3;                               // per call, for transport errors and 5xx
  std::chrono::milliseconds first_retry_delay{200};  // doubles per attempt
};

// Error codes: REJECTED (400/406/415/422: the record or name is refused; retrying cannot help),
// RATE_LIMITED (429; see last_retry_after()), UNAVAILABLE (5xx or transport after all attempts).
class RoutingClient {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  RoutingClient(http::HttpTransport& transport, std::string base_url, RoutingOptions options = {},
                Sleep sleep = nullptr);

  const std::string& base_url() const { return base_url_; }
  // The record bytes, or nullopt when the endpoint has none (404, or a 200 that is not an IPNS
  // record, as the spec says).
  Result<std::optional<Bytes>> resolve(const std::string& name);
  Result<Ok> publish(const std::string& name, ByteView record);
  // Retry-After of the last RATE_LIMITED answer (seconds), if any.
  std::optional<std::chrono::seconds> last_retry_after() const { return last_retry_after_; }

 private:
  Result<http::Response> exchange(const http::Request& request);
  std::string url_for(const std::string& name) const;

  http::HttpTransport& transport_;
  std::string base_url_;
  RoutingOptions options_;
  Sleep sleep_;
  std::optional<std::chrono::seconds> last_retry_after_;
};

}  // namespace cbx::op
