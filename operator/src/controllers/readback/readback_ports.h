#pragma once
// What the read-back checker needs from the outside world: each routing endpoint on its own
// (resolve and re-PUT one endpoint), and somewhere to count what it found. The status writer and
// event sink are the republish controller's ports (controllers/republish/ports.h).
#include <optional>
#include <string>
#include <vector>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "controllers/republish/ports.h"

namespace cbx::op {

class EndpointRouting {
 public:
  virtual ~EndpointRouting() = default;
  virtual std::vector<std::string> endpoint_urls() const = 0;
  // The record one endpoint serves for the name (nullopt: none). Error RATE_LIMITED while the
  // endpoint's Retry-After lasts, UNAVAILABLE, or UNKNOWN_ENDPOINT for a URL not configured.
  virtual Result<std::optional<Bytes>> resolve_at(const std::string& url,
                                                  const std::string& name) = 0;
  virtual EndpointResult publish_at(const std::string& url, const std::string& name,
                                    ByteView record) = 0;
};

class ReadBackObserver {
 public:
  virtual ~ReadBackObserver() = default;
  // One endpoint checked: result is Verified | ReadBackMismatch | Unreachable.
  virtual void checked(const std::string& url, const std::string& result) = 0;
};

}  // namespace cbx::op
