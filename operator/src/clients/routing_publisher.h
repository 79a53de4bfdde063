#pragma once
// Publishes to every configured routing endpoint and resolves from all of them, keeping the best
// record (highest sequence, validly signed for the name). An endpoint that answered 429 is left
// alone until its Retry-After has passed (DESIGN §3).
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "clients/routing_client.h"
#include "controllers/readback/readback_ports.h"
#include "controllers/republish/ports.h"

namespace cbx::op {

inline constexpr std::chrono::seconds kDefaultRetryAfter{30};

class RoutingPublisher : public RecordPublisher, public EndpointRouting {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  explicit RoutingPublisher(std::vector<std::unique_ptr<RoutingClient>> endpoints,
                            Now now = nullptr);

  Result<NetworkLookup> resolve(const std::string& name) override;
  std::vector<EndpointResult> publish(const std::string& name, ByteView record) override;

  std::vector<std::string> endpoint_urls() const override;
  Result<std::optional<Bytes>> resolve_at(const std::string& url, const std::string& name) override;
  EndpointResult publish_at(const std::string& url, const std::string& name,
                            ByteView record) override;

 private:
  std::optional<std::size_t> index_of(const std::string& url) const;
  EndpointResult publish_to(std::size_t index, const std::string& name, ByteView record);
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
