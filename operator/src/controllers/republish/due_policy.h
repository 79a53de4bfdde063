#pragma once
// "Is this folder due?" as a chain of pure policies over the object and the time: the first
// policy that fires decides (cert-manager's trigger chain). No I/O, no clock reads.
#include <optional>
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"

namespace cbx::op {

enum class DueAction { kNone, kPublishPending, kSign };

struct DueVerdict {
  DueAction action = DueAction::kNone;
  Reason reason = Reason::kNotDue;
  std::optional<SysTime> recheck_at;  // kNone: when to look again (nullopt: only on change)
};

struct BackoffPolicy {
  Nanos base = std::chrono::seconds(5);
  Nanos max = std::chrono::minutes(5);
  double jitter = 0.2;  // up to this fraction is taken off each delay
};

// Delay after `failures` consecutive failures, jittered deterministically by `key` so a
// restart computes the same time and tests can predict it.
Nanos failure_backoff(std::uint32_t failures, const std::string& key, const BackoffPolicy& policy);

DueVerdict evaluate_due(const IpnsRepublish& obj, SysTime now, const BackoffPolicy& backoff);

// spec.interval, or — when the record really carries a shorter validity than spec.lifetime (a
// signer capped it) — the interval scaled by the same ratio, so the record is still republished
// as early in its life as the spec intended; at least 1 min.
Nanos effective_interval(const IpnsRepublishSpec& spec, Nanos record_lifetime);

// nextRepublishAt = publishedAt + interval - jitter, jitter 0-10 % of interval, fixed per key
// and publication so every replica agrees.
SysTime next_republish_at(const std::string& key, SysTime published_at, Nanos interval);

}  // namespace cbx::op
