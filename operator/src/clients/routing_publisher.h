#pragma once
// Publishes to every configured routing endpoint and resolves from all of them, keeping the best
// record (highest sequence, validly signed for the name). An endpoint that answered 429 is left
// alone until its Retry-After has passed (DESIGN §3).
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clients/routing_client.h"

namespace cbx::op {

inline constexpr std::chrono::seconds kDefaultRetryAfter{30};

// What one endpoint answered to a publish.
struct RoutingPutAnswer {
  std::string url;
  bool ok = false;
  std::string code;  // REJECTED | RATE_LIMITED | UNAVAILABLE | UNKNOWN_ENDPOINT when !ok
  std::string message;
  std::optional<std::chrono::seconds> retry_after;  // RATE_LIMITED: the endpoint's Retry-After
};

// What the endpoints answered to a lookup of one name.
struct RoutingLookup {
  std::optional<Bytes> record;  // the highest-sequence valid record an answering endpoint holds
  std::vector<std::string> unanswered;  // "url: why" of every endpoint that did not answer
};

class RoutingPublisher {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  explicit RoutingPublisher(std::vector<std::unique_ptr<RoutingClient>> endpoints,
                            Now now = nullptr);

  // Asks every endpoint; Error only when none answered.
  Result<RoutingLookup> resolve(const std::string& name);
  std::vector<RoutingPutAnswer> publish(const std::string& name, ByteView record);

  std::vector<std::string> endpoint_urls() const;
  // One endpoint's record for the name (nullopt: none). Error RATE_LIMITED while its Retry-After
  // lasts, UNAVAILABLE, or UNKNOWN_ENDPOINT for a URL not configured.
  Result<std::optional<Bytes>> resolve_at(const std::string& url, const std::string& name);
  RoutingPutAnswer publish_at(const std::string& url, const std::string& name, ByteView record);

 private:
  std::optional<std::size_t> index_of(const std::string& url) const;
  RoutingPutAnswer publish_to(std::size_t index, const std::string& name, ByteView record);
  bool blocked(std::size_t index);
  // Blocks the endpoint for its Retry-After (kDefaultRetryAfter when it gave none); returns the
  // wait.
  std::chrono::seconds note_rate_limit(std::size_t index,
                                       std::optional<std::chrono::seconds> asked);

  std::vector<std::unique_ptr<RoutingClient>> endpoints_;
  Now now_;
  std::mutex mutex_;
  std::vector<std::chrono::steady_clock::time_point> blocked_until_;
};

}  // namespace cbx::op
