#include "controllers/republish/republish_reconciler.h"

#include <future>

#include "cbx/base/log.h"
#include "controllers/crash_point.h"
#include "controllers/republish/signed_record_check.h"
#include "controllers/republish/signing_plan.h"
#include "controllers/republish/status_transitions.h"

namespace cbx::op {
namespace {

SignRequest request_for(const IpnsRepublish& obj, const SigningPlan& plan) {
  return SignRequest{obj.key(),         obj.spec.ipns_name,
                     plan.key,          plan.value,
                     plan.proof_record, plan.sequence,
                     plan.validity,     std::chrono::duration_cast<std::chrono::seconds>(plan.ttl)};
}

std::string summarize(const std::vector<EndpointResult>& results) {
  std::string out;
  for (const auto& r : results) {
    if (r.ok) continue;
    if (!out.empty()) out += "; ";
    out += r.url + ": " + r.code + " " + r.message;
  }
  return out;
}

IpnsRepublishStatus with_endpoints(IpnsRepublishStatus st,
                                   const std::vector<EndpointResult>& results,
                                   std::uint64_t sequence, SysTime now) {
  apply_endpoint_results(st, results, sequence, now);
  return st;
}

std::string lookup_failure(const Result<NetworkLookup>& network) {
  if (!network)
    return "no routing endpoint answered the lookup of the name (" + network.error().message + ")";
  std::string out = std::to_string(network->unanswered.size()) +
                    " routing endpoint(s) did not answer the lookup of the name (";
  for (std::size_t i = 0; i < network->unanswered.size(); ++i)
    out += (i ? "; " : "") + network->unanswered[i];
  return out + ")";
}

bool any_ok(const std::vector<EndpointResult>& results) {
  for (const auto& r : results) {
    if (r.ok) return true;
  }
  return false;
}

}  // namespace

// A signed cycle between its reservation and its outcome. It completes exactly once: dropped
// unfinished (an executor stopped, a step threw), it tells the work queue, which retries the key;
// status then holds the reservation, as after a crash at that point.
struct RepublishReconciler::Cycle {
  Cycle(IpnsRepublish o, SigningPlan p, ActiveEpoch e, SysTime t, ReconcileDone d)
      : obj(std::move(o)), plan(std::move(p)), epoch(std::move(e)), now(t), done(std::move(d)) {}
  ~Cycle() {
    if (!done) return;
    try {
      done(make_error("CYCLE_ABANDONED", "the cycle stopped after reserving sequence " +
                                             std::to_string(plan.sequence)));
    } catch (...) {
    }
  }
  Cycle(const Cycle&) = delete;
  Cycle& operator=(const Cycle&) = delete;
  void finish(Result<ReconcileResult> result) {
    auto d = std::move(done);
    done = nullptr;
    d(std::move(result));
  }

  IpnsRepublish obj;
  SigningPlan plan;
  ActiveEpoch epoch;
  SysTime now;
  ReconcileDone done;
};

RepublishReconciler::RepublishReconciler(RepublishDeps deps, BackoffPolicy backoff)
    : deps_(std::move(deps)), backoff_(backoff) {}

Result<ReconcileResult> RepublishReconciler::reconcile(IpnsRepublish obj,
                                                       const std::optional<ActiveEpoch>& epoch,
                                                       SysTime now) {
  auto key = key_state_for(obj, epoch ? epoch->epoch : 0);
  return reconcile(std::move(obj), SigningTarget{epoch, std::move(key)}, now);
}

Result<ReconcileResult> RepublishReconciler::reconcile(IpnsRepublish obj,
                                                       const SigningTarget& target, SysTime now) {
  std::promise<Result<ReconcileResult>> outcome;
  auto future = outcome.get_future();
  start(std::move(obj), target, now,
        [&outcome](Result<ReconcileResult> r) { outcome.set_value(std::move(r)); });
  return future.get();
}

void RepublishReconciler::start(IpnsRepublish obj, const SigningTarget& target, SysTime now,
                                ReconcileDone done) {
  auto verdict = evaluate_due(obj, now, backoff_);
  if (verdict.action == DueAction::kSign && target.signer) {
    // KeyCurrent goes out with the cycle's writes: the reconcile they cause has nothing to write.
    obj.status = refresh_conditions(obj, target.key, now);
    sign_and_publish(std::move(obj), *target.signer, now, std::move(done));
    return;
  }
  done(without_signing(std::move(obj), target, verdict, now));
}

Result<ReconcileResult> RepublishReconciler::without_signing(IpnsRepublish obj,
                                                             const SigningTarget& target,
                                                             const DueVerdict& verdict,
                                                             SysTime now) {
  switch (verdict.action) {
    case DueAction::kPublishPending:
      return publish_pending(std::move(obj), now);
    case DueAction::kSign: {  // due, but nothing may be sent to any signer
      std::string why = to_string(target.key.reason);
      std::string message =
          target.key.message.empty() ? "no TeeEpoch is Ready" : target.key.message;
      obj.status = refresh_conditions(obj, target.key, now);  // written with the failure
      return fail(std::move(obj), why, message, now);
    }
    case DueAction::kNone:
      break;
  }
  auto st = refresh_conditions(obj, target.key, now);
  return write_if_changed(obj, st, ReconcileResult{verdict.recheck_at, to_string(verdict.reason)});
}

Result<IpnsRepublish> RepublishReconciler::resume(IpnsRepublish obj, const Resumption& resumption) {
  auto written = deps_.status.write_status(obj, apply_resumption(obj, resumption));
  if (!written) return written.error();
  if (resumption.key) {
    deps_.events.emit(*written, false, to_string(Reason::kKeyResumed),
                      "key taken from the key ledger: epoch " +
                          std::to_string(resumption.key->epoch) + " (spec.keyEpoch is " +
                          std::to_string(obj.spec.key_epoch) + ")");
  }
  log::info("resumed from the key ledger",
            {{"key", written->key()},
             {"epoch", resumption.key ? resumption.key->epoch : 0},
             {"sequence", resumption.sequence ? std::to_string(*resumption.sequence) : ""},
             {"pendingRecord", resumption.pending.has_value()}});
  return written;
}

Result<ReconcileResult> RepublishReconciler::reconcile_duplicate(IpnsRepublish obj,
                                                                 const std::string& owner_key,
                                                                 SysTime now) {
  std::string message = "spec.ipnsName " + obj.spec.ipns_name + " belongs to IpnsRepublish " +
                        owner_key +
                        " (created earlier); this object is never signed while that one exists";
  const auto* ready = find_condition(obj.status.conditions, condition::kReady);
  bool news =
      !ready || parse_reason(ready->reason) != Reason::kDuplicateName || ready->message != message;
  auto st = obj.status;
  set_condition(st.conditions, condition::kReady, false, Reason::kDuplicateName, message,
                obj.generation, now);
  auto result =
      write_if_changed(obj, st, ReconcileResult{std::nullopt, to_string(Reason::kDuplicateName)});
  if (result && news) deps_.events.emit(obj, true, to_string(Reason::kDuplicateName), message);
  return result;
}

void RepublishReconciler::sign_and_publish(IpnsRepublish obj, const ActiveEpoch& epoch, SysTime now,
                                           ReconcileDone done) {
  auto network = deps_.publisher.resolve(obj.spec.ipns_name);
  // With no sequence of its own, the operator cannot know which sequences the key already used
  // (a new or re-created object, a cluster restore): the owner's newest record may be on any
  // endpoint, so signing after a partial answer could give one sequence two records. Wait until
  // every endpoint answered, found or not found.
  if (!obj.status.sequence && (!network || !network->unanswered.empty())) {
    return done(fail(std::move(obj), to_string(Reason::kRoutingLookupFailed),
                     lookup_failure(network) +
                         " and no sequence is known yet; nothing is signed until every endpoint "
                         "answers",
                     now));
  }
  if (!network) {
    log::warn("resolve failed; planning without the network record",
              {{"key", obj.key()}, {"error", network.error().message}});
  }
  auto plan = plan_signing(obj, network ? network->record : std::nullopt, now);
  if (!plan) {
    bool no_record = plan.error().code == "NO_OWNER_RECORD";
    return done(fail(std::move(obj),
                     no_record ? to_string(Reason::kNoOwnerRecord) : plan.error().code,
                     plan.error().message, now));
  }
  auto reserved = deps_.status.write_status(obj, reserve_sequence(obj, *plan, now));
  if (!reserved) return done(reserved.error());
  crash_point("after-reserve");

  auto request = request_for(*reserved, *plan);
  auto cycle =
      std::make_shared<Cycle>(std::move(*reserved), std::move(*plan), epoch, now, std::move(done));
  deps_.signer.sign(
      epoch.handle, epoch.epoch, std::move(request), [this, cycle](Result<SignOutcome> outcome) {
        if (!deps_.publish) return continue_signed(cycle, outcome);
        deps_.publish->post(
            [this, cycle, outcome = std::move(outcome)] { continue_signed(cycle, outcome); });
      });
}

void RepublishReconciler::continue_signed(const std::shared_ptr<Cycle>& cycle,
                                          const Result<SignOutcome>& outcome) {
  auto& obj = cycle->obj;
  const auto& plan = cycle->plan;
  auto now = cycle->now;
  auto record = accept_sign_outcome(obj, plan, cycle->epoch.epoch, outcome, now);
  if (!record) {
    const auto& [why, message] = record.error();
    if (parse_reason(why) != Reason::kSignerUnavailable) deps_.events.emit(obj, true, why, message);
    return cycle->finish(fail(std::move(obj), why, message, now));
  }
  if (record->rewrapped && deps_.ledger) {
    // The ledger first: if this folder is deleted right after, the new ciphertext survives.
    auto recorded = deps_.ledger->record(obj.spec.ipns_name, *record->rewrapped,
                                         ledger_source::kRewrapped, now);
    if (!recorded) {
      log::warn("key ledger not written; the ledger controller records it from status",
                {{"key", obj.key()}, {"error", recorded.error().message}});
    }
  }
  // Published at once; the status write after publishing records it (or keeps it in
  // status.pending when no endpoint took it). A crash before that write skips the reserved
  // sequence, which invariant 1 allows: the reservation, not this record, keeps sequences unique.
  obj.status = store_signed(obj, plan, *record, now);
  crash_point("after-sign");
  if (record->rewrapped) {
    deps_.events.emit(obj, false, to_string(Reason::kKeyMigrated),
                      "key re-encrypted to epoch " + std::to_string(record->rewrapped->epoch));
  }
  cycle->finish(publish_pending(std::move(obj), now));
}

Result<ReconcileResult> RepublishReconciler::publish_pending(IpnsRepublish obj, SysTime now) {
  auto bytes = base64_decode(obj.status.pending->record);
  if (!bytes) {
    auto st = obj.status;
    st.pending.reset();  // unreadable: drop it, the next cycle signs afresh
    return write_if_changed(obj, st, ReconcileResult{now, to_string(Reason::kPendingDropped)});
  }
  auto results = deps_.publisher.publish(obj.spec.ipns_name, *bytes);
  auto sequence = obj.status.pending->sequence;
  if (!any_ok(results)) {
    obj.status = with_endpoints(obj.status, results, sequence, now);  // kept by fail()'s copy
    return fail(std::move(obj), to_string(Reason::kPublishFailed), summarize(results), now);
  }
  auto st = mark_published(obj, now);
  apply_endpoint_results(st, results, sequence, now);
  // An event on state changes only (first publication, new value, recovery): a routine
  // republish every interval would be 100 000 events per cycle at the design's scale.
  bool state_changed = !obj.status.last_published_at || obj.status.failures.count > 0 ||
                       st.published_cid != obj.status.published_cid;
  auto published = deps_.status.write_status(obj, st);
  if (!published) return published.error();
  if (state_changed) {
    deps_.events.emit(*published, false, to_string(Reason::kPublished),
                      "sequence " + std::to_string(sequence) + " of " +
                          published->status.published_cid + " valid until " +
                          format_rfc3339(*published->status.valid_until));
  }
  log::info("published", {{"key", published->key()},
                          {"sequence", std::to_string(sequence)},
                          {"failedEndpoints", summarize(results)}});
  return ReconcileResult{published->status.next_republish_at, to_string(Reason::kPublished)};
}

Result<ReconcileResult> RepublishReconciler::fail(IpnsRepublish obj, const std::string& reason,
                                                  const std::string& message, SysTime now) {
  log::warn("republish failed", {{"key", obj.key()}, {"reason", reason}, {"message", message}});
  auto st = mark_failed(obj, reason, message, now);
  auto retry_at = now + failure_backoff(st.failures.count, obj.key(), backoff_);
  bool terminal = parse_reason(reason) == Reason::kInvalidSpec;
  return write_if_changed(
      obj, st, ReconcileResult{terminal ? std::nullopt : std::optional(retry_at), reason});
}

Result<ReconcileResult> RepublishReconciler::write_if_changed(const IpnsRepublish& obj,
                                                              const IpnsRepublishStatus& st,
                                                              ReconcileResult result) {
  if (status_to_json(st) == status_to_json(obj.status)) return result;
  auto written = deps_.status.write_status(obj, st);
  if (!written) return written.error();
  return result;
}

}  // namespace cbx::op
