#include "controllers/republish/status_transitions.h"

#include <algorithm>

#include "controllers/folder_key.h"

namespace cbx::op {
namespace {

void set_deviation_conditions(IpnsRepublishStatus& st, const IpnsRepublish& obj,
                              const SigningPlan& plan, SysTime now) {
  bool network_ahead = plan.deviation_reason == Reason::kNetworkAhead;
  set_condition(st.conditions, condition::kNetworkAhead, network_ahead,
                network_ahead ? Reason::kNetworkAhead : Reason::kInSync,
                network_ahead ? plan.deviation_message : "", obj.generation, now);
}

// A record more than a minute shorter than asked was capped by the signer (clock skew between
// the operator and the signer is well below that).
void note_lifetime_cap(IpnsRepublishStatus& st, const IpnsRepublish& obj, SysTime asked,
                       SysTime got, SysTime now) {
  bool capped = got + std::chrono::minutes(1) < asked;
  if (!capped && !find_condition(st.conditions, condition::kLifetimeCapped)) return;
  std::string message = capped ? "the signer capped the record's validity at " +
                                     format_rfc3339(got) + " (spec.lifetime " +
                                     format_duration(obj.spec.lifetime) + " asked until " +
                                     format_rfc3339(asked) + "); republishing every " +
                                     format_duration(effective_interval(obj.spec, got - now))
                               : "";
  set_condition(st.conditions, condition::kLifetimeCapped, capped,
                capped ? Reason::kSignerCap : Reason::kAsRequested, message, obj.generation, now);
}

}  // namespace

IpnsRepublishStatus reserve_sequence(const IpnsRepublish& obj, const SigningPlan& plan,
                                     SysTime now) {
  IpnsRepublishStatus st = obj.status;
  st.sequence = plan.sequence;
  st.key_epoch = plan.key.epoch;
  st.observed_generation = obj.generation;
  st.last_handled_request = obj.requested_at;
  st.pending.reset();
  st.failures.last_attempt_at = now;
  set_deviation_conditions(st, obj, plan, now);
  return st;
}

IpnsRepublishStatus store_signed(const IpnsRepublish& obj, const SigningPlan& plan,
                                 const SignedRecord& signed_record, SysTime now) {
  IpnsRepublishStatus st = obj.status;
  auto valid_until = signed_record.valid_until.value_or(plan.valid_until);
  st.pending =
      PendingRecord{plan.sequence, signed_record.record_base64, valid_until, now, plan.value};
  note_lifetime_cap(st, obj, plan.valid_until, valid_until, now);
  if (signed_record.rewrapped) adopt_migrated_key(obj.spec, st, *signed_record.rewrapped);
  bool awaiting = plan.deviation_reason == Reason::kAwaitingOwnerRecord;
  bool ahead = plan.deviation_reason == Reason::kNetworkAhead;
  set_condition(st.conditions, condition::kReady, !awaiting && !ahead,
                awaiting || ahead ? *plan.deviation_reason : Reason::kSigned,
                awaiting || ahead ? plan.deviation_message : "record signed, publishing",
                obj.generation, now);
  return st;
}

IpnsRepublishStatus mark_published(const IpnsRepublish& obj, SysTime now) {
  IpnsRepublishStatus st = obj.status;
  if (!st.pending) return st;
  const auto& p = *st.pending;
  st.published_sequence = p.sequence;
  st.published_cid = cid_of_value(p.value);
  st.last_record = p.record;
  st.last_published_at = std::chrono::floor<std::chrono::seconds>(now);
  st.valid_until = p.valid_until;
  st.next_republish_at = next_republish_at(
      obj.key(), *st.last_published_at, effective_interval(obj.spec, p.valid_until - p.signed_at));
  st.pending.reset();
  st.failures = Failures{};
  const auto* ready = find_condition(st.conditions, condition::kReady);
  auto ready_reason = ready ? parse_reason(ready->reason) : std::nullopt;
  bool deviating =
      ready_reason == Reason::kAwaitingOwnerRecord || ready_reason == Reason::kNetworkAhead;
  if (!deviating) {
    set_condition(
        st.conditions, condition::kReady, true, Reason::kPublished,
        "sequence " + std::to_string(p.sequence) + " valid until " + format_rfc3339(p.valid_until),
        obj.generation, now);
  }
  set_condition(st.conditions, condition::kPublished, true, Reason::kPublished,
                "sequence " + std::to_string(p.sequence) + " published", obj.generation, now);
  set_condition(st.conditions, condition::kStalled, false, Reason::kProgressing, "", obj.generation,
                now);
  return st;
}

IpnsRepublishStatus mark_failed(const IpnsRepublish& obj, const std::string& reason,
                                const std::string& message, SysTime now) {
  IpnsRepublishStatus st = obj.status;
  st.failures.count += 1;
  st.failures.reason = reason;
  st.failures.message = message;
  st.failures.last_attempt_at = std::chrono::floor<std::chrono::seconds>(now);
  bool stalled = st.failures.count >= kStalledAfterFailures;
  if (stalled) {
    // Verbatim: the reason may be the signer's own refusal code, which the table cannot list.
    set_condition_code(st.conditions, condition::kStalled, true, reason,
                       std::to_string(st.failures.count) + " consecutive failures: " + message,
                       obj.generation, now);
  } else {
    set_condition(st.conditions, condition::kStalled, false, Reason::kRetrying, message,
                  obj.generation, now);
  }
  auto known = parse_reason(reason);
  if (known == Reason::kNoOwnerRecord || known == Reason::kInvalidSpec ||
      known == Reason::kKeyMigrationRequired || known == Reason::kEpochNotReady ||
      known == Reason::kRoutingLookupFailed) {
    set_condition(st.conditions, condition::kReady, false, *known, message, obj.generation, now);
  }
  return st;
}

void apply_endpoint_results(IpnsRepublishStatus& st, const std::vector<EndpointResult>& results,
                            std::uint64_t sequence, SysTime now) {
  auto seconds_now = std::chrono::floor<std::chrono::seconds>(now);
  for (const auto& r : results) {
    auto it = std::find_if(st.endpoints.begin(), st.endpoints.end(),
                           [&](const EndpointStatus& e) { return e.url == r.url; });
    if (it == st.endpoints.end()) {
      EndpointStatus added;
      added.url = r.url;
      it = st.endpoints.insert(st.endpoints.end(), std::move(added));
    }
    it->last_attempt_at = seconds_now;
    if (r.ok) {
      it->published_sequence = sequence;
      it->last_success_at = seconds_now;
      it->retry_after.reset();
      it->message.clear();
    } else {
      it->message = (r.code + " " + r.message).substr(0, 1024);
      if (r.retry_after) it->retry_after = seconds_now + *r.retry_after;
    }
  }
}

KeyState key_state_for(const IpnsRepublish& obj, std::uint64_t active_epoch) {
  auto key = effective_key(obj);
  if (active_epoch == 0) return {false, Reason::kNoActiveEpoch, "no TeeEpoch is Ready"};
  if (key.epoch < active_epoch) {
    return {false, Reason::kKeyOnOlderEpoch,
            "key sealed to epoch " + std::to_string(key.epoch) + ", active epoch is " +
                std::to_string(active_epoch)};
  }
  return {true, Reason::kKeyCurrent, "key on epoch " + std::to_string(key.epoch)};
}

IpnsRepublishStatus refresh_conditions(const IpnsRepublish& obj, std::uint64_t active_epoch,
                                       SysTime now) {
  return refresh_conditions(obj, key_state_for(obj, active_epoch), now);
}

IpnsRepublishStatus refresh_conditions(const IpnsRepublish& obj, const KeyState& key, SysTime now) {
  IpnsRepublishStatus st = obj.status;
  set_condition(st.conditions, condition::kKeyCurrent, key.current, key.reason, key.message,
                obj.generation, now);
  return st;
}

}  // namespace cbx::op
