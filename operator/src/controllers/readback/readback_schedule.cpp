#include "controllers/readback/readback_schedule.h"

#include <algorithm>

#include "controllers/readback/readback_verdict.h"

namespace cbx::op {
namespace {

Nanos retry_delay(const ReadBackOptions& options, std::uint32_t failures) {
  Nanos delay = options.retry_base;
  for (std::uint32_t i = 1; i < failures && delay < options.retry_max; ++i) delay *= 2;
  return std::min(delay, options.retry_max);
}

bool configured_url(const std::vector<std::string>& configured, const std::string& url) {
  return std::find(configured.begin(), configured.end(), url) != configured.end();
}

std::optional<SysTime> verified_due_at(const ReadBack& rb, const ReadBackOptions& options) {
  std::optional<SysTime> due;
  if (rb.verified_valid_until && rb.checked_at &&
      *rb.verified_valid_until - options.margin > *rb.checked_at) {
    due = *rb.verified_valid_until - options.margin;
  }
  if (options.recheck > Nanos::zero() && rb.checked_at) {
    auto recheck = *rb.checked_at + options.recheck;
    due = due ? std::min(*due, recheck) : recheck;
  }
  return due;
}

}  // namespace

std::optional<SysTime> endpoint_due_at(const IpnsRepublishStatus& status,
                                       const EndpointStatus& endpoint,
                                       const ReadBackOptions& options) {
  if (!status.published_sequence || status.last_record.empty() || !status.last_published_at ||
      !endpoint.published_sequence) {
    return std::nullopt;
  }
  const auto& rb = endpoint.read_back;
  if (!rb || rb->sequence != *status.published_sequence || !rb->checked_at) {
    return *status.last_published_at + options.delay;
  }
  if (rb->result != readback::kVerified) {
    auto due = *rb->checked_at + retry_delay(options, rb->failures);
    if (endpoint.retry_after) due = std::max(due, *endpoint.retry_after);
    return due;
  }
  return verified_due_at(*rb, options);
}

std::vector<std::string> due_endpoints(const IpnsRepublishStatus& status,
                                       const std::vector<std::string>& configured,
                                       const ReadBackOptions& options, SysTime now) {
  std::vector<std::string> due;
  for (const auto& e : status.endpoints) {
    if (!configured_url(configured, e.url)) continue;
    auto at = endpoint_due_at(status, e, options);
    if (at && *at <= now) due.push_back(e.url);
  }
  return due;
}

std::optional<SysTime> next_read_back_at(const IpnsRepublishStatus& status,
                                         const std::vector<std::string>& configured,
                                         const ReadBackOptions& options) {
  std::optional<SysTime> next;
  for (const auto& e : status.endpoints) {
    if (!configured_url(configured, e.url)) continue;
    auto at = endpoint_due_at(status, e, options);
    if (at && (!next || *at < *next)) next = at;
  }
  return next;
}

}  // namespace cbx::op
