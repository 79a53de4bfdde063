#pragma once
// HTTP client interface: one request/response exchange, or a streamed response body delivered in
// chunks (Kubernetes watch). Callers depend on HttpTransport only, so tests can swap in fakes;
// the real implementation (Beast, http + https, keep-alive pool) is in cbx/http/beast_client.h.
//
// Error codes (cbx::Error::code): "BAD_URL", "TIMEOUT", "CANCELLED", "TRANSPORT" (connect, reset,
// malformed response), "TLS" (handshake or verification failed), "TOO_LARGE" (body over limit).
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cbx/base/result.h"

namespace cbx::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The client's Request/Response differ from the server's (cbx/http/message.h) but share their
// names; the inline namespace gives them distinct linker symbols, so a binary linking both
// libraries has no ODR clash (one TU still cannot include both headers).
inline namespace client {

// Case-insensitive header lookup (first match).
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct Request {
  std::string method = "GET";
  std::string url;  // http://host[:port]/path?query or https://...
  Headers headers;
  std::string body;
  // Non-streaming: deadline for writing the request and reading the whole response (connect has
  // its own timeout in ClientOptions). Streaming: the longest silence allowed between two chunks.
  std::chrono::milliseconds timeout{30000};
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;  // empty for a streamed 2xx body (it went to the chunk handler)
  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

// Receives streamed body bytes as they arrive (arbitrary boundaries). Return false to stop.
using ChunkHandler = std::function<bool(std::string_view data)>;

// Cancels a streaming (or any) request from another thread. The transport registers a hook
// while it waits on I/O; cancel() runs it, and any later wait returns CANCELLED at once.
class Cancellation {
 public:
  // The hook runs under the lock, so once clear_hook() returns it can no longer run.
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    if (hook_) hook_();
  }
  bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }
  // For transports: returns false (and installs nothing) when already cancelled.
  bool set_hook(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    if (cancelled_) return false;
    hook_ = std::move(hook);
    return true;
  }
  void clear_hook() {
    std::lock_guard lock(mutex_);
    hook_ = nullptr;
  }

 private:
  mutable std::mutex mutex_;
  bool cancelled_ = false;
  std::function<void()> hook_;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Any HTTP status is a successful exchange; errors are transport failures only.
  virtual Result<Response> request(const Request& request) = 0;
  // Like request(), but a 2xx body is handed to on_chunk as it arrives; a non-2xx body is
  // collected into Response::body instead. Returns when the body ends, on_chunk returns false,
  // cancel fires (CANCELLED) or the stream is silent longer than request.timeout (TIMEOUT).
  virtual Result<Response> stream(const Request& request, const ChunkHandler& on_chunk,
                                  Cancellation* cancel) = 0;
};

}  // namespace client
}  // namespace cbx::http
