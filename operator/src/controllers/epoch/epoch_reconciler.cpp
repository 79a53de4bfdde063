#include "controllers/epoch/epoch_reconciler.h"

#include <algorithm>

#include "cbx/base/log.h"
#include "cbx/crypto/random.h"
#include "controllers/crash_point.h"
#include "controllers/epoch/epoch_key_check.h"
#include "controllers/epoch/epoch_phases.h"
#include "controllers/folder_key.h"

namespace cbx::op {
namespace {

constexpr char kReady[] = "Ready";
constexpr char kAttested[] = "Attested";

bool key_check_due(const TeeEpoch& e, SysTime now, std::chrono::seconds recheck) {
  if (e.status.phase == phase::kFailed || e.status.phase == phase::kRetired) return false;
  if (e.status.public_key.empty() || !e.status.attestation || !e.status.attestation->checked_at)
    return true;
  if (e.status.signer && e.status.signer->url != e.spec.signer.url) return true;  // new signer
  if (!condition_is_true(e.status.conditions, kReady)) return true;
  const auto& next_update = e.status.attestation->collateral_next_update;
  if (next_update && now >= *next_update) return true;  // the verdict's collateral expired
  return now - *e.status.attestation->checked_at >= recheck;
}

bool reverifiable(const TeeEpoch& e) {
  return e.status.phase != phase::kFailed && e.status.phase != phase::kRetired;
}

bool retires_now(const std::vector<TeeEpoch>& epochs, const std::vector<TeeEpochStatus>& phases) {
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    if (phases[i].phase == phase::kRetired && epochs[i].status.phase != phase::kRetired)
      return true;
  }
  return false;
}

// The folder key a rewrap id names ("namespace/name@epoch/fingerprint").
std::string folder_of(const std::string& rewrap_id) {
  return rewrap_id.substr(0, rewrap_id.rfind('@'));
}

}  // namespace

EpochReconciler::EpochReconciler(EpochReconcilerDeps deps, EpochReconcilerOptions options)
    : deps_(deps), options_(options) {}

void EpochReconciler::record_event(const TeeEpoch& epoch, bool warning, const std::string& reason,
                                   const std::string& message) {
  deps_.events.emit(epoch, warning, reason, message);
}

void EpochReconciler::fail_key_changed(TeeEpoch& e, const std::string& new_key, SysTime now) {
  std::string message = "signer " + e.spec.signer.url + " now derives public key " +
                        new_key.substr(0, 18) + "… for epoch " + std::to_string(e.spec.epoch) +
                        ", not the recorded " + e.status.public_key.substr(0, 18) +
                        "…; nothing more is sent to it";
  e.status.phase = phase::kFailed;
  set_condition(e.status.conditions, kReady, false, Reason::kSignerKeyChanged, message,
                e.generation, now);
  deps_.metrics.signer_key_changed(e.spec.epoch);
  record_event(e, true, to_string(Reason::kSignerKeyChanged), message);
  log::error("signer key changed", {{"epoch", e.spec.epoch}, {"signer", e.spec.signer.url}});
}

// The platform or the measured app is not (or no longer) trusted: the epoch is not Ready, so it
// leaves Active and nothing is sent to its signer until an accepted verdict comes back.
void EpochReconciler::reject_attestation(TeeEpoch& e, Reason reason, const std::string& message,
                                         SysTime now) {
  const auto* before = find_condition(e.status.conditions, kAttested);
  bool changed = !before || before->status != "False" || parse_reason(before->reason) != reason;
  set_condition(e.status.conditions, kAttested, false, reason, message, e.generation, now);
  set_condition(e.status.conditions, kReady, false, Reason::kAttestationRejected, message,
                e.generation, now);
  deps_.metrics.attestation_rejected(e.spec.epoch, to_string(reason));
  if (changed) {
    record_event(e, true, to_string(Reason::kAttestationRejected),
                 std::string(to_string(reason)) + ": " + message);
  }
  log::warn("epoch attestation rejected",
            {{"epoch", e.spec.epoch}, {"reason", to_string(reason)}, {"message", message}});
}

// Returns false when the epoch's platform was found untrustworthy (attestation rejected).
bool EpochReconciler::check_key(TeeEpoch& e, SysTime now) {
  auto signer = deps_.signers.signer_for(e.spec.signer);
  auto not_ready = [&](Reason reason, const std::string& message) {
    // A signer that is merely unreachable keeps a Ready epoch Ready: its key is still known.
    bool keep_ready =
        reason == Reason::kSignerUnavailable && condition_is_true(e.status.conditions, kReady);
    if (!keep_ready)
      set_condition(e.status.conditions, kReady, false, reason, message, e.generation, now);
    log::warn("epoch key check failed",
              {{"epoch", e.spec.epoch}, {"reason", to_string(reason)}, {"message", message}});
  };
  if (!signer) {
    not_ready(Reason::kSignerTokenUnavailable, signer.error().message);
    return true;
  }
  Bytes nonce(32);
  random_bytes(nonce);
  auto answer = (*signer)->epoch_public_key(e.spec.epoch, hex_encode(nonce));
  if (!answer) {
    not_ready(Reason::kSignerUnavailable, answer.error().message);
    return true;
  }
  auto check = check_epoch_key(e.spec, *answer, nonce, now);
  if (!check) {
    reject_attestation(e, reason_from_code(check.error().code, Reason::kAttestationRejected),
                       check.error().message, now);
    return false;
  }
  if (!check->attestation.simulated) {
    Result<ChainVerdict> verdict =
        options_.chain ? options_.chain->verify(check->quote, now)
                       : Result<ChainVerdict>(make_error("NO_VERIFIER", "no quote verifier"));
    apply_chain_verdict(*check, e.spec, verdict);
    if (!verdict) {
      if (condition_is_true(e.status.conditions, kAttested)) {
        log::warn("quote verifier unavailable; keeping the last verdict",
                  {{"epoch", e.spec.epoch}, {"error", verdict.error().message}});
        return true;
      }
      set_condition(e.status.conditions, kAttested, false, check->attested_reason,
                    check->attested_message, e.generation, now);
      not_ready(check->attested_reason, check->attested_message);
      return true;
    }
    if (options_.second_opinion && check->attested) {
      apply_second_opinion(*check, options_.second_opinion->verify(answer->quote_hex));
    }
  }
  if (check->quote_rejected) {
    if (e.status.public_key.empty() || e.status.public_key == check->public_key_hex) {
      e.status.attestation = check->attestation;  // shows the verdict (e.g. tcbStatus OutOfDate)
    }
    reject_attestation(e, check->attested_reason, check->attested_message, now);
    return false;
  }
  bool known = !e.status.public_key.empty();
  if (known && check->public_key_hex != e.status.public_key) {
    bool same_signer = !e.status.signer || e.status.signer->url == e.spec.signer.url;
    if (same_signer) {
      fail_key_changed(e, check->public_key_hex, now);
      return true;
    }
    set_condition(e.status.conditions, "SignerAdopted", false, Reason::kKeysDiffer,
                  "the new signer " + e.spec.signer.url + " derives a different key for epoch " +
                      std::to_string(e.spec.epoch) + "; still using " + e.status.signer->url +
                      " (create a new epoch on the new signer and pre-rotate)",
                  e.generation, now);
    return true;
  }
  e.status.public_key = check->public_key_hex;
  e.status.signer = check->identity;
  e.status.attestation = check->attestation;
  set_condition(e.status.conditions, kAttested, check->attested, check->attested_reason,
                check->attested_message, e.generation, now);
  set_condition(e.status.conditions, kReady, true, Reason::kKeyVerified,
                "signer derives the epoch key and the quote binds it", e.generation, now);
  e.status.observed_generation = e.generation;
  return true;
}

void EpochReconciler::check_keys(std::vector<TeeEpoch>& epochs, SysTime now) {
  // New collateral (e.g. a TCB recovery): every epoch's quote is verified again now.
  if (options_.chain) options_.chain->refresh(now);
  std::string generation = options_.chain ? options_.chain->collateral_generation() : "";
  bool collateral_changed = generation != collateral_generation_;
  collateral_generation_ = generation;
  std::set<std::string> rejected_signers;
  std::set<std::uint64_t> checked;
  for (auto& e : epochs) {
    if (!key_check_due(e, now, options_.key_recheck) && !(collateral_changed && reverifiable(e))) {
      continue;
    }
    checked.insert(e.spec.epoch);
    if (!check_key(e, now)) rejected_signers.insert(signer_url_of(e));
  }
  // A platform found untrustworthy serves its other epochs too: check those at once.
  for (auto& e : epochs) {
    if (!checked.contains(e.spec.epoch) && reverifiable(e) &&
        rejected_signers.contains(signer_url_of(e))) {
      check_key(e, now);
    }
  }
}

void EpochReconciler::maybe_rotate(const std::vector<TeeEpoch>& epochs, SysTime now) {
  const TeeEpoch* active = op::active_epoch(epochs);
  if (!active || !active->spec.rotate_after || !active->status.activated_at) return;
  if (now < *active->status.activated_at + *active->spec.rotate_after) return;
  for (const auto& e : epochs) {
    if (e.spec.epoch > active->spec.epoch) return;  // a newer epoch exists already
  }
  TeeEpochSpec next;
  next.epoch = active->spec.epoch + 1;
  next.signer = active->spec.signer;
  next.grace_period = active->spec.grace_period;
  next.rotate_after = active->spec.rotate_after;
  auto created = deps_.epochs.create("epoch-" + std::to_string(next.epoch), next,
                                     {{"republish.cipherbox.io/created-by", "rotateAfter"}});
  if (created) {
    record_event(*active, false, to_string(Reason::kRotationStarted),
                 "created epoch " + std::to_string(next.epoch) + " (rotateAfter)");
  } else if (created.error().code != "CONFLICT") {
    log::warn("rotation failed", {{"epoch", next.epoch}, {"error", created.error().message}});
  }
}

void EpochReconciler::set_migrated(TeeEpoch& target, bool done, Reason reason,
                                   const std::string& message, SysTime now) {
  set_condition(target.status.conditions, migrated::kCondition, done, reason, message,
                target.generation, now);
}

// Folders whose key the old signer cannot re-encrypt (not its key, not decryptable) cannot block
// the new epoch forever: they are stranded either way and say so in their own status.
bool EpochReconciler::only_unmigratable_left(const SourceFolders& on_sources) const {
  for (const auto& [source, folders] : on_sources) {
    for (const auto& [key, id] : folders) {
      if (!rewrap_failed_.contains(id)) return false;
    }
  }
  return true;
}

EpochReconciler::PreRotationOutcome EpochReconciler::pre_rotate(const PreRotationPlan& plan,
                                                                const SourceFolders& on_sources,
                                                                std::vector<TeeEpoch>& epochs,
                                                                SysTime now) {
  PreRotationOutcome outcome;
  TeeEpoch* target = nullptr;
  for (auto& e : epochs) {
    if (e.spec.epoch == plan.target) target = &e;
  }
  if (!target) return outcome;
  const std::string n = std::to_string(plan.target);
  if (plan.sources.empty()) {
    if (plan.lazy > 0) {
      set_migrated(*target, false, Reason::kLazyMigration,
                   std::to_string(plan.lazy) +
                       " folder(s) on older epochs of the same signer move to epoch " + n +
                       " on their next republish",
                   now);
    } else {
      set_migrated(*target, true, Reason::kAllKeysMigrated, "no folder depends on an older epoch",
                   now);
    }
    return outcome;
  }
  std::string sources;
  for (auto s : plan.sources) sources += (sources.empty() ? "" : ",") + std::to_string(s);
  const std::string left =
      std::to_string(plan.remaining) + " folder(s) on epoch(s) " + sources + " of another signer";
  if (target->spec.approval.empty()) {
    set_migrated(*target, false, Reason::kApprovalRequired,
                 left + "; no spec.approval, so the old signer cannot re-encrypt them to epoch " +
                     n +
                     ": add one (cipherbox-republish approve-epoch) or re-seal each folder "
                     "(cipherbox-republish seal --epoch " +
                     n + ")",
                 now);
    return outcome;
  }
  auto steady_now = deps_.clock.steady_now();
  const std::string attempt = n + "/" + target->spec.approval;
  if (refused_at_ && refused_for_ == attempt && steady_now - *refused_at_ < options_.key_recheck) {
    return outcome;  // the Migrated condition still says why; retried after key_recheck
  }
  if (steady_now < next_rewrap_at_) {
    outcome.more = true;
    return outcome;
  }
  std::size_t budget =
      std::clamp<std::size_t>(static_cast<std::size_t>(options_.rewrap_rate), 1, 50);
  std::size_t migrated_now = 0, left_count = 0;
  bool refused = false;
  for (auto source_epoch : plan.sources) {
    const TeeEpoch* source = find_epoch(epochs, source_epoch);
    std::vector<IpnsRepublish> batch;
    for (const auto& [key, id] : on_sources.at(source_epoch)) {
      if (rewrap_failed_.contains(id)) continue;
      ++left_count;
      if (batch.size() >= budget - std::min(budget, migrated_now)) continue;
      // Only the batch is read from the cache; a folder changed since it was indexed is
      // taken as it is now (still on this epoch) or left for a later pass.
      auto folder = deps_.folders.cached(key);
      if (folder && effective_key(*folder).epoch == source_epoch)
        batch.push_back(std::move(*folder));
    }
    if (batch.empty() || refused) continue;
    migrated_now += rewrap_batch(*target, *source, batch, now, refused);
  }
  if (refused) {
    refused_at_ = steady_now;
    refused_for_ = attempt;
    return outcome;
  }
  refused_at_.reset();
  next_rewrap_at_ = steady_now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(budget / options_.rewrap_rate));
  outcome.more = left_count > migrated_now;
  set_migrated(*target, false, Reason::kMigrating,
               left + ": re-encrypting them to epoch " + n + " on the old signer (pre-rotation)",
               now);
  return outcome;
}

std::size_t EpochReconciler::rewrap_batch(TeeEpoch& target, const TeeEpoch& source,
                                          const std::vector<IpnsRepublish>& batch, SysTime now,
                                          bool& refused) {
  auto signer = deps_.signers.signer_for(serving_signer(source));
  if (!signer) {
    log::warn("pre-rotation: old signer unusable",
              {{"epoch", source.spec.epoch}, {"error", signer.error().message}});
    return 0;
  }
  auto to = rewrap_destination(target, now);
  if (!to) {
    log::warn("pre-rotation: the new epoch's attestation is unavailable",
              {{"epoch", target.spec.epoch}, {"error", to.error().message}});
    return 0;
  }
  std::vector<RewrapRequest> requests;
  for (const auto& f : batch)
    requests.push_back(RewrapRequest{f.key(), f.spec.ipns_name, effective_key(f)});
  auto results = (*signer)->rewrap(*to, requests);
  if (!results) {
    const auto& code = results.error().code;
    if (code == "APPROVAL_REQUIRED" || code == "APPROVAL_INVALID" ||
        code.starts_with("TARGET_ATTESTATION_")) {
      refused = true;
      auto reason = code == "APPROVAL_REQUIRED"  ? Reason::kApprovalRequired
                    : code == "APPROVAL_INVALID" ? Reason::kApprovalInvalid
                                                 : Reason::kTargetNotAttested;
      set_migrated(target, false, reason,
                   "the old signer " + signer_url_of(source) +
                       " refused to re-encrypt keys of epoch " + std::to_string(source.spec.epoch) +
                       ": " + results.error().message +
                       "; re-seal the folders (cipherbox-republish seal --epoch " +
                       std::to_string(target.spec.epoch) + ") or fix spec.approval",
                   now);
      record_event(target, true, to_string(reason), results.error().message);
    } else {
      log::warn("pre-rotation: rewrap failed",
                {{"epoch", source.spec.epoch}, {"error", results.error().message}});
    }
    return 0;
  }
  std::size_t stored = 0;
  for (const auto& r : *results) {
    auto it = std::find_if(batch.begin(), batch.end(),
                           [&](const IpnsRepublish& f) { return f.key() == r.id; });
    if (it == batch.end()) continue;
    if (!r.ok || r.key.epoch != target.spec.epoch) {
      rewrap_failed_.record(rewrap_id(it->key(), effective_key(*it)), r.error_code);
      log::warn("pre-rotation: key not re-encrypted",
                {{"key", r.id}, {"code", r.error_code}, {"message", r.error_message}});
      continue;
    }
    crash_point("during-rewrap");
    if (store_migrated_key(*it, r.key, now)) ++stored;
  }
  log::info("pre-rotation batch", {{"from", source.spec.epoch},
                                   {"to", target.spec.epoch},
                                   {"entries", batch.size()},
                                   {"stored", stored}});
  return stored;
}

// The new epoch as the old signer must see it: the approved key and compose hash (verified
// values from status), with a fresh quote of the new signer binding that key, its event log and
// the collateral of the quote's chain, so that the old signer verifies it all itself.
Result<RewrapDestination> EpochReconciler::rewrap_destination(const TeeEpoch& target, SysTime now) {
  RewrapDestination to;
  to.epoch = target.spec.epoch;
  to.public_key_hex = target.status.public_key;
  to.compose_hash_hex = target.status.attestation ? target.status.attestation->compose_hash : "";
  to.approval = target.spec.approval;
  auto signer = deps_.signers.signer_for(serving_signer(target));
  if (!signer) return signer.error();
  Bytes nonce(32);
  random_bytes(nonce);
  auto answer = (*signer)->epoch_public_key(target.spec.epoch, hex_encode(nonce));
  if (!answer) return answer.error();
  if (answer->public_key_hex != target.status.public_key) {
    return make_error("KEY_CHANGED", "the new signer now answers another public key");
  }
  to.quote_hex = answer->quote_hex;
  to.event_log = answer->event_log;
  to.nonce_hex = hex_encode(nonce);
  if (!answer->simulated && options_.chain) {
    auto quote = hex_decode(answer->quote_hex);
    if (!quote) return make_error("BAD_QUOTE", "quote is not hex");
    auto collateral = options_.chain->collateral_json(*quote, now);
    if (!collateral) return collateral.error();
    to.collateral_json = std::move(*collateral);
  }
  return to;
}

// The ledger first (a folder deleted right after keeps the new ciphertext), then the folder's
// status with the cached resourceVersion as precondition: a folder changed meanwhile (e.g.
// mid-republish) is simply taken again on the next pass.
bool EpochReconciler::store_migrated_key(const IpnsRepublish& folder, const EncryptedKeyRef& key,
                                         SysTime now) {
  auto status = folder.status;
  if (!adopt_migrated_key(folder.spec, status, key)) return false;
  if (deps_.ledger_writer && valid_ledger_name(folder.spec.ipns_name)) {
    auto recorded =
        deps_.ledger_writer->record(folder.spec.ipns_name, key, ledger_source::kMigrated, now);
    if (!recorded) {
      log::warn("pre-rotation: key ledger not written; the key is re-encrypted on a later pass",
                {{"key", folder.key()}, {"error", recorded.error().message}});
      return false;
    }
  }
  auto written = deps_.folder_keys.write_status(folder, status);
  if (!written) {
    log::info("pre-rotation: folder not updated",
              {{"key", folder.key()}, {"error", written.error().code}});
    return false;
  }
  return true;
}

// Per-epoch and per-signer state lives only as long as its subject: the phase series of deleted
// epochs, the signers no live epoch uses, the rewrap failures of folders that were deleted,
// re-sealed or migrated.
void EpochReconciler::forget_unused(const std::vector<TeeEpoch>& epochs) {
  std::set<std::uint64_t> existing;
  std::set<std::string> signer_urls;
  for (const auto& e : epochs) {
    existing.insert(e.spec.epoch);
    if (e.status.phase == phase::kRetired || e.status.phase == phase::kFailed) continue;
    signer_urls.insert(e.spec.signer.url);
    if (e.status.signer) signer_urls.insert(e.status.signer->url);
  }
  deps_.metrics.retain_epoch_phases(existing);
  deps_.signers.retain(signer_urls);
  rewrap_failed_.retain_if(
      [&](const std::string& id) { return deps_.index.rewrap_id_of(folder_of(id)) == id; });
}

// Holds retirement and safeToDecommission while keys need an epoch (decommission.h); an epoch
// about to be Retired is checked again against a fresh read of the folders and the ledger.
void EpochReconciler::apply_key_needs(const std::vector<TeeEpoch>& epochs,
                                      std::vector<TeeEpochStatus>& phases) {
  auto live = live_epochs(epochs, phases);
  auto needs = deps_.index.needs(live);
  if (needs.unparsed > 0) {
    log::warn("IpnsRepublish objects the operator cannot parse still count for retirement",
              {{"count", needs.unparsed}});
  }
  apply_needs(epochs, phases, needs);
  if (!retires_now(epochs, phases)) return;
  // The cache may lag behind a folder just applied: read both again from the API server.
  auto fresh = deps_.folders.read_fresh();
  if (!fresh) {
    log::warn("retirement re-check failed: not retiring this pass",
              {{"error", fresh.error().message}});
    ++needs.unknown;
    apply_needs(epochs, phases, needs);
    return;
  }
  apply_needs(epochs, phases, compute_needs(fresh->folders, fresh->ledger, live));
}

Result<EpochPassResult> EpochReconciler::reconcile(std::vector<TeeEpoch> epochs) {
  auto now = deps_.clock.now();
  std::vector<nlohmann::json> before;
  before.reserve(epochs.size());
  for (const auto& e : epochs) before.push_back(tee_epoch_status_to_json(e.status));
  check_keys(epochs, now);
  auto entries = deps_.index.entries();
  auto plan = plan_pre_rotation(epochs, entries);
  SourceFolders on_sources;
  for (auto source : plan.sources) on_sources[source] = deps_.index.rewrap_ids_on(source);
  auto pre_rotation = pre_rotate(plan, on_sources, epochs, now);
  std::set<std::uint64_t> held;
  if (plan.hold && !only_unmigratable_left(on_sources)) held.insert(plan.target);
  auto phases = compute_phases(epochs, entries, now, held);
  apply_key_needs(epochs, phases);
  auto counts = deps_.index.counts(now);
  bool conflict = false;
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    auto& e = epochs[i];
    if (phases[i].phase != e.status.phase && !phases[i].phase.empty()) {
      record_event(e, false, "Phase" + phases[i].phase,
                   "epoch " + std::to_string(e.spec.epoch) + " is " + phases[i].phase);
    }
    e.status = phases[i];
    if (e.status.phase != phase::kRetired)
      counts.entries_per_epoch[e.spec.epoch] = e.status.entries;
    deps_.metrics.set_epoch_phase(e.spec.epoch, e.status.phase);
    deps_.metrics.set_epoch_attested(e.spec.epoch,
                                     condition_is_true(e.status.conditions, kAttested));
    if (tee_epoch_status_to_json(e.status) == before[i]) continue;
    auto written = deps_.epochs.write_status(e, e.status);
    if (!written) {
      if (written.error().code != "CONFLICT") return written.error();
      conflict = true;
    }
  }
  deps_.metrics.set_folder_counts(counts);
  forget_unused(epochs);
  maybe_rotate(epochs, now);
  if (conflict) return make_error("CONFLICT", "a TeeEpoch changed while its status was computed");
  EpochPassResult result;
  if (pre_rotation.more) {
    result.rewrap_again_in =
        std::max(next_rewrap_at_ - deps_.clock.steady_now(),
                 std::chrono::steady_clock::duration(std::chrono::milliseconds(100)));
  }
  return result;
}

}  // namespace cbx::op
