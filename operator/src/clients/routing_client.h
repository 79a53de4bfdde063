#pragma once
// Delegated Routing V1 HTTP API, IPNS part: GET and PUT /routing/v1/ipns/{name} with
// Content-Type application/vnd.ipfs.ipns-record (research/wire-formats.md §4). Transport errors
// and 5xx are retried a few times with backoff inside one call; 429 comes back as RATE_LIMITED
// with the server's Retry-After in that call's answer, so the caller defers that endpoint. The
// client keeps no per-call state: many workers share one instance.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "cbx/base/duration.h"
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

// The record bytes, or nullopt when the endpoint has none (404, or a 200 that is not an IPNS
// record, as the spec says).
struct ResolveAnswer {
  Result<std::optional<Bytes>> record;
  std::optional<std::chrono::seconds> retry_after;  // RATE_LIMITED with a readable Retry-After
};

struct PublishAnswer {
  Status status;
  std::optional<std::chrono::seconds> retry_after;  // RATE_LIMITED with a readable Retry-After
};

// Error codes: REJECTED (400/406/415/422: the record or name is refused; retrying cannot help),
// RATE_LIMITED (429; Retry-After in the answer, clamped to 0…1 h, see retry_after.h),
// UNAVAILABLE (5xx or transport after all attempts).
class RoutingClient {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  using Now = std::function<SysTime()>;
  RoutingClient(http::HttpTransport& transport, std::string base_url, RoutingOptions options = {},
                Sleep sleep = nullptr, Now now = nullptr);

  const std::string& base_url() const { return base_url_; }
  ResolveAnswer resolve(const std::string& name);
  PublishAnswer publish(const std::string& name, ByteView record);

 private:
  Result<http::Response> exchange(const http::Request& request);
  std::string url_for(const std::string& name) const;
  std::optional<std::chrono::seconds> retry_after_of(const http::Response& response) const;

  http::HttpTransport& transport_;
  std::string base_url_;
  RoutingOptions options_;
  Sleep sleep_;
  Now now_;
};

}  // namespace cbx::op
