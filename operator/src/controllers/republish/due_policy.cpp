#include "controllers/republish/due_policy.h"

#include <algorithm>
#include <array>
#include <functional>

namespace cbx::op {
namespace {

// FNV-1a: a stable hash for deterministic jitter (std::hash is not stable across builds).
std::uint64_t stable_hash(const std::string& text, std::uint64_t salt) {
  std::uint64_t h = 1469598103934665603ULL ^ salt;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

double unit_fraction(const std::string& key, std::uint64_t salt) {
  return static_cast<double>(stable_hash(key, salt) % 10000) / 10000.0;
}

using Policy = std::function<std::optional<DueVerdict>(const IpnsRepublish&, SysTime)>;

std::optional<DueVerdict> suspended(const IpnsRepublish& obj, SysTime) {
  if (!obj.spec.suspend) return std::nullopt;
  return DueVerdict{DueAction::kNone, Reason::kSuspended, std::nullopt};
}

// A pending record was signed with a reserved sequence: publish exactly it (invariant 3) while
// it still has at least half its lifetime; after that a fresh signature is worth more.
std::optional<DueVerdict> pending_record(const IpnsRepublish& obj, SysTime now) {
  const auto& pending = obj.status.pending;
  if (!pending) return std::nullopt;
  // Half the lifetime the record really has: a signer may have capped it below spec.lifetime.
  auto lifetime = obj.spec.lifetime;
  if (pending->signed_at != SysTime{})
    lifetime = std::min(lifetime, pending->valid_until - pending->signed_at);
  if (pending->valid_until - now >= lifetime / 2) {
    return DueVerdict{DueAction::kPublishPending, Reason::kPendingUnpublished, std::nullopt};
  }
  return DueVerdict{DueAction::kSign, Reason::kPendingNearExpiry, std::nullopt};
}

// A cycle that failed stays due until it succeeds (the backoff gate above decides when).
std::optional<DueVerdict> failed_cycle(const IpnsRepublish& obj, SysTime) {
  if (obj.status.failures.count == 0) return std::nullopt;
  return DueVerdict{DueAction::kSign, Reason::kRetrying, std::nullopt};
}

// A sequence was reserved but neither a pending record nor a publication followed: the cycle
// stopped between writes (API server restart, lost response, crash). Reserving recorded the
// trigger as handled, so without this the cycle would be lost until the schedule came round.
std::optional<DueVerdict> interrupted_cycle(const IpnsRepublish& obj, SysTime) {
  const auto& st = obj.status;
  if (!st.sequence || !st.published_sequence || *st.sequence <= *st.published_sequence)
    return std::nullopt;
  return DueVerdict{DueAction::kSign, Reason::kCycleInterrupted, std::nullopt};
}

std::optional<DueVerdict> spec_changed(const IpnsRepublish& obj, SysTime) {
  if (obj.generation == obj.status.observed_generation) return std::nullopt;
  return DueVerdict{DueAction::kSign, Reason::kSpecChanged, std::nullopt};
}

std::optional<DueVerdict> manual_trigger(const IpnsRepublish& obj, SysTime) {
  if (obj.requested_at.empty() || obj.requested_at == obj.status.last_handled_request) {
    return std::nullopt;
  }
  return DueVerdict{DueAction::kSign, Reason::kManualTrigger, std::nullopt};
}

std::optional<DueVerdict> never_published(const IpnsRepublish& obj, SysTime) {
  if (obj.status.last_published_at) return std::nullopt;
  return DueVerdict{DueAction::kSign, Reason::kInitial, std::nullopt};
}

std::optional<DueVerdict> schedule_reached(const IpnsRepublish& obj, SysTime now) {
  auto next =
      obj.status.next_republish_at.value_or(*obj.status.last_published_at + obj.spec.interval);
  if (now >= next) return DueVerdict{DueAction::kSign, Reason::kScheduled, std::nullopt};
  return DueVerdict{DueAction::kNone, Reason::kNotDue, next};
}

}  // namespace

Nanos failure_backoff(std::uint32_t failures, const std::string& key, const BackoffPolicy& policy) {
  if (failures == 0) return Nanos{0};
  auto delay = policy.base;
  for (std::uint32_t i = 1; i < failures && delay < policy.max; ++i) delay *= 2;
  delay = std::min(delay, policy.max);
  double cut = policy.jitter * unit_fraction(key, failures);
  return Nanos{static_cast<Nanos::rep>(static_cast<double>(delay.count()) * (1.0 - cut))};
}

Nanos effective_interval(const IpnsRepublishSpec& spec, Nanos record_lifetime) {
  if (record_lifetime >= spec.lifetime || spec.lifetime <= Nanos{0}) return spec.interval;
  double ratio = std::max(0.0, static_cast<double>(record_lifetime.count()) /
                                   static_cast<double>(spec.lifetime.count()));
  auto scaled = Nanos{static_cast<Nanos::rep>(static_cast<double>(spec.interval.count()) * ratio)};
  return std::max<Nanos>(scaled, std::chrono::minutes(1));
}

SysTime next_republish_at(const std::string& key, SysTime published_at, Nanos interval) {
  auto jitter = static_cast<Nanos::rep>(
      static_cast<double>(interval.count()) * 0.1 *
      unit_fraction(key, static_cast<std::uint64_t>(published_at.time_since_epoch().count())));
  return std::chrono::floor<std::chrono::seconds>(published_at + interval - Nanos{jitter});
}

DueVerdict evaluate_due(const IpnsRepublish& obj, SysTime now, const BackoffPolicy& backoff) {
  if (auto v = suspended(obj, now)) return *v;
  const auto& failures = obj.status.failures;
  if (failures.count > 0 && failures.last_attempt_at) {
    auto retry_at = *failures.last_attempt_at + failure_backoff(failures.count, obj.key(), backoff);
    if (now < retry_at) return DueVerdict{DueAction::kNone, Reason::kBackingOff, retry_at};
  }
  static const std::array<Policy, 7> chain = {pending_record,  failed_cycle,   interrupted_cycle,
                                              spec_changed,    manual_trigger, never_published,
                                              schedule_reached};
  for (const auto& policy : chain) {
    if (auto v = policy(obj, now)) return *v;
  }
  return DueVerdict{DueAction::kNone, Reason::kNotDue, std::nullopt};
}

}  // namespace cbx::op
