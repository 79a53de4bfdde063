#include "clients/routing_publisher.h"

#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"

namespace cbx::op {

RoutingPublisher::RoutingPublisher(std::vector<std::unique_ptr<RoutingClient>> endpoints, Now now)
    : endpoints_(std::move(endpoints)),
      now_(now ? std::move(now) : Now([] { return std::chrono::steady_clock::now(); })),
      blocked_until_(endpoints_.size()) {}

bool RoutingPublisher::blocked(std::size_t index) {
  std::lock_guard lock(mutex_);
  return now_() < blocked_until_[index];
}

std::chrono::seconds RoutingPublisher::note_rate_limit(std::size_t index,
                                                       std::optional<std::chrono::seconds> asked) {
  auto wait = asked.value_or(kDefaultRetryAfter);
  std::lock_guard lock(mutex_);
  blocked_until_[index] = now_() + wait;
  return wait;
}

Result<RoutingLookup> RoutingPublisher::resolve(const std::string& name_text) {
  auto name = ipns::parse_name(name_text);
  if (!name) return name.error();
  RoutingLookup lookup;
  std::uint64_t best_sequence = 0;
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    const auto& url = endpoints_[i]->base_url();
    if (blocked(i)) {
      lookup.unanswered.push_back(url + ": waiting for Retry-After");
      continue;
    }
    auto answer = endpoints_[i]->resolve(name_text);
    auto& found = answer.record;
    if (!found) {
      if (found.error().code == "RATE_LIMITED") note_rate_limit(i, answer.retry_after);
      lookup.unanswered.push_back(url + ": " + found.error().message);
      continue;
    }
    if (!*found) continue;
    auto record = ipns::verify_record_signature(*name, **found);
    if (record && (!lookup.record || record->sequence > best_sequence)) {
      lookup.record = std::move(**found);
      best_sequence = record->sequence;
    }
  }
  if (lookup.unanswered.size() == endpoints_.size() && !endpoints_.empty()) {
    return make_error("UNAVAILABLE", "no routing endpoint answered: " + lookup.unanswered.back());
  }
  return lookup;
}

RoutingPutAnswer RoutingPublisher::publish_to(std::size_t i, const std::string& name,
                                              ByteView record) {
  const auto& url = endpoints_[i]->base_url();
  if (blocked(i)) return {url, false, "RATE_LIMITED", "waiting for Retry-After", std::nullopt};
  auto answer = endpoints_[i]->publish(name, record);
  const auto& published = answer.status;
  if (published) return {url, true, "", "", std::nullopt};
  RoutingPutAnswer failed{url, false, published.error().code, published.error().message,
                          std::nullopt};
  if (published.error().code == "RATE_LIMITED") {
    failed.retry_after = note_rate_limit(i, answer.retry_after);
  }
  return failed;
}

std::vector<RoutingPutAnswer> RoutingPublisher::publish(const std::string& name, ByteView record) {
  std::vector<RoutingPutAnswer> results;
  for (std::size_t i = 0; i < endpoints_.size(); ++i)
    results.push_back(publish_to(i, name, record));
  return results;
}

std::vector<std::string> RoutingPublisher::endpoint_urls() const {
  std::vector<std::string> urls;
  for (const auto& e : endpoints_) urls.push_back(e->base_url());
  return urls;
}

std::optional<std::size_t> RoutingPublisher::index_of(const std::string& url) const {
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    if (endpoints_[i]->base_url() == url) return i;
  }
  return std::nullopt;
}

Result<std::optional<Bytes>> RoutingPublisher::resolve_at(const std::string& url,
                                                          const std::string& name) {
  auto i = index_of(url);
  if (!i) return make_error("UNKNOWN_ENDPOINT", "not a configured routing endpoint");
  if (blocked(*i)) return make_error("RATE_LIMITED", "waiting for Retry-After");
  auto answer = endpoints_[*i]->resolve(name);
  if (!answer.record && answer.record.error().code == "RATE_LIMITED") {
    note_rate_limit(*i, answer.retry_after);
  }
  return std::move(answer.record);
}

RoutingPutAnswer RoutingPublisher::publish_at(const std::string& url, const std::string& name,
                                              ByteView record) {
  auto i = index_of(url);
  if (!i)
    return {url, false, "UNKNOWN_ENDPOINT", "not a configured routing endpoint", std::nullopt};
  return publish_to(*i, name, record);
}

}  // namespace cbx::op
