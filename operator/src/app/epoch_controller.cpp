#include "app/epoch_controller.h"

#include "cbx/base/log.h"
#include "cbx/crypto/random.h"
#include "controllers/epoch/epoch_key_check.h"
#include "controllers/epoch/epoch_phases.h"
#include "controllers/republish/ipns_republish.h"
#include "kube/resource.h"

namespace cbx::op {
namespace {

constexpr char kReady[] = "Ready";
constexpr char kAttested[] = "Attested";

bool key_check_due(const TeeEpoch& e, SysTime now, std::chrono::seconds recheck) {
  if (e.status.phase == phase::kFailed || e.status.phase == phase::kRetired) return false;
  if (e.status.public_key.empty() || !e.status.attestation || !e.status.attestation->checked_at) return true;
  if (e.status.signer && e.status.signer->url != e.spec.signer.url) return true;  // new signer
  if (!condition_is_true(e.status.conditions, kReady)) return true;
  return now - *e.status.attestation->checked_at >= recheck;
}

nlohmann::json epoch_reference(const TeeEpoch& e) {
  return {{"apiVersion", kube::resources::kTeeEpoch.api_version()},
          {"kind", kube::resources::kTeeEpoch.kind},
          {"metadata", {{"name", e.name}, {"resourceVersion", e.resource_version}}}};
}

}  // namespace

EpochController::EpochController(kube::KubeClient& client, kube::Informer& epochs,
                                 kube::Informer& republishes, SignerDirectory& signers,
                                 kube::EventRecorder& events, OperatorMetrics& metrics,
                                 EpochControllerOptions options)
    : client_(client), epochs_(epochs), republishes_(republishes), signers_(signers),
      events_(events), metrics_(metrics), options_(options) {}

void EpochController::record_event(const TeeEpoch& epoch, bool warning, const std::string& reason,
                                   const std::string& message) {
  auto recorded = events_.record(epoch_reference(epoch),
                                 warning ? kube::EventType::warning : kube::EventType::normal,
                                 reason, reason, message);
  if (!recorded) log::warn("event not recorded", {{"epoch", epoch.spec.epoch}, {"reason", reason}});
}

void EpochController::fail_key_changed(TeeEpoch& e, const std::string& new_key, SysTime now) {
  std::string message = "signer " + e.spec.signer.url + " now derives public key " +
                        new_key.substr(0, 18) + "… for epoch " + std::to_string(e.spec.epoch) +
                        ", not the recorded " + e.status.public_key.substr(0, 18) +
                        "…; nothing more is sent to it";
  e.status.phase = phase::kFailed;
  set_condition(e.status.conditions, kReady, false, "SignerKeyChanged", message, e.generation, now);
  metrics_.signer_key_changed(e.spec.epoch);
  record_event(e, true, "SignerKeyChanged", message);
  log::error("signer key changed", {{"epoch", e.spec.epoch}, {"signer", e.spec.signer.url}});
}

void EpochController::check_key(TeeEpoch& e, SysTime now) {
  auto client = signers_.client_for(e.spec.signer);
  auto not_ready = [&](const std::string& reason, const std::string& message) {
    // A signer that is merely unreachable keeps a Ready epoch Ready: its key is still known.
    bool keep_ready = reason == "SignerUnavailable" && condition_is_true(e.status.conditions, kReady);
    if (!keep_ready) set_condition(e.status.conditions, kReady, false, reason, message, e.generation, now);
    log::warn("epoch key check failed", {{"epoch", e.spec.epoch}, {"reason", reason}, {"message", message}});
  };
  if (!client) return not_ready("SignerTokenUnavailable", client.error().message);
  Bytes nonce(32);
  random_bytes(nonce);
  auto answer = (*client)->epoch_public_key(e.spec.epoch, hex_encode(nonce));
  if (!answer) return not_ready("SignerUnavailable", answer.error().message);
  auto check = check_epoch_key(e.spec, *answer, nonce, now);
  if (!check) {
    set_condition(e.status.conditions, kAttested, false, check.error().code, check.error().message,
                  e.generation, now);
    return not_ready(check.error().code, check.error().message);
  }
  bool known = !e.status.public_key.empty();
  if (known && check->public_key_hex != e.status.public_key) {
    bool same_signer = !e.status.signer || e.status.signer->url == e.spec.signer.url;
    if (same_signer) return fail_key_changed(e, check->public_key_hex, now);
    set_condition(e.status.conditions, "SignerAdopted", false, "KeysDiffer",
                  "the new signer " + e.spec.signer.url + " derives a different key for epoch " +
                      std::to_string(e.spec.epoch) + "; still using " + e.status.signer->url +
                      " (create a new epoch on the new signer and pre-rotate)",
                  e.generation, now);
    return;
  }
  e.status.public_key = check->public_key_hex;
  e.status.signer = check->identity;
  e.status.attestation = check->attestation;
  set_condition(e.status.conditions, kAttested, check->attested, check->attested_reason,
                check->attested_message, e.generation, now);
  set_condition(e.status.conditions, kReady, true, "KeyVerified",
                "signer derives the epoch key and the quote binds it", e.generation, now);
  e.status.observed_generation = e.generation;
}

std::map<std::uint64_t, std::int64_t> EpochController::count_entries(
    OperatorMetrics::FolderCounts& counts, SysTime now) {
  std::map<std::uint64_t, std::int64_t> entries;
  republishes_.store().for_each([&](const nlohmann::json& object) {
    auto obj = parse_ipns_republish(object);
    if (!obj) return;
    auto epoch = effective_key(*obj).epoch;
    ++entries[epoch];
    if (obj->status.pending) ++counts.pending;
    if (condition_is_true(obj->status.conditions, "Stalled")) ++counts.stalled;
    if (!obj->status.next_republish_at || *obj->status.next_republish_at <= now) ++counts.due;
    if (obj->status.valid_until) {
      double t = std::chrono::duration<double>(obj->status.valid_until->time_since_epoch()).count();
      auto [it, inserted] = counts.earliest_valid_until_per_epoch.emplace(epoch, t);
      if (!inserted) it->second = std::min(it->second, t);
    }
  });
  return entries;
}

void EpochController::maybe_rotate(const std::vector<TeeEpoch>& epochs, SysTime now) {
  const TeeEpoch* active = op::active_epoch(epochs);
  if (!active || !active->spec.rotate_after || !active->status.activated_at) return;
  if (now < *active->status.activated_at + *active->spec.rotate_after) return;
  for (const auto& e : epochs) {
    if (e.spec.epoch > active->spec.epoch) return;  // a newer epoch exists already
  }
  auto next = active->spec.epoch + 1;
  nlohmann::json signer = {{"url", active->spec.signer.url},
                           {"insecureSimulator", active->spec.signer.insecure_simulator}};
  if (!active->spec.signer.auth_secret_name.empty()) {
    signer["authSecretRef"] = {{"name", active->spec.signer.auth_secret_name},
                               {"key", active->spec.signer.auth_secret_key}};
  }
  if (!active->spec.signer.compose_hash.empty()) signer["composeHash"] = active->spec.signer.compose_hash;
  if (!active->spec.signer.ca_bundle.empty()) signer["caBundle"] = active->spec.signer.ca_bundle;
  nlohmann::json object = {
      {"apiVersion", kube::resources::kTeeEpoch.api_version()},
      {"kind", kube::resources::kTeeEpoch.kind},
      {"metadata", {{"name", "epoch-" + std::to_string(next)},
                    {"labels", {{"republish.cipherbox.io/created-by", "rotateAfter"}}}}},
      {"spec", {{"epoch", next},
                {"signer", signer},
                {"gracePeriod", format_duration(active->spec.grace_period)},
                {"rotateAfter", format_duration(*active->spec.rotate_after)}}}};
  auto created = client_.create(kube::resources::kTeeEpoch, "", object);
  if (created) {
    record_event(*active, false, "RotationStarted", "created epoch " + std::to_string(next) + " (rotateAfter)");
  } else if (created.error().code != "CONFLICT") {
    log::warn("rotation failed", {{"epoch", next}, {"error", created.error().message}});
  }
}

Result<kube::ReconcileOutcome> EpochController::reconcile(const std::string&) {
  auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  std::vector<TeeEpoch> epochs;
  std::vector<nlohmann::json> before;
  for (const auto& object : epochs_.store().list()) {
    auto e = parse_tee_epoch(object);
    if (!e) {
      log::warn("invalid TeeEpoch", {{"error", e.error().message}});
      continue;
    }
    before.push_back(tee_epoch_status_to_json(e->status));
    epochs.push_back(std::move(*e));
  }
  for (auto& e : epochs) {
    if (key_check_due(e, now, options_.key_recheck)) check_key(e, now);
  }
  OperatorMetrics::FolderCounts counts;
  auto entries = count_entries(counts, now);
  auto phases = compute_phases(epochs, entries, now);
  bool conflict = false;
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    auto& e = epochs[i];
    if (phases[i].phase != e.status.phase && !phases[i].phase.empty()) {
      record_event(e, false, "Phase" + phases[i].phase,
                   "epoch " + std::to_string(e.spec.epoch) + " is " + phases[i].phase);
    }
    e.status = phases[i];
    counts.entries_per_epoch[e.spec.epoch] = e.status.entries;
    metrics_.set_epoch_phase(e.spec.epoch, e.status.phase);
    auto after = tee_epoch_status_to_json(e.status);
    if (after == before[i]) continue;
    auto written = client_.patch_status(kube::resources::kTeeEpoch, "", e.name, e.resource_version, after);
    if (!written) {
      if (written.error().code != "CONFLICT") return written.error();
      conflict = true;
    }
  }
  metrics_.set_folder_counts(counts);
  maybe_rotate(epochs, now);
  if (conflict) return make_error("CONFLICT", "a TeeEpoch changed while its status was computed");
  kube::ReconcileOutcome outcome;
  outcome.requeue_after = std::chrono::seconds(15);
  return outcome;
}

}  // namespace cbx::op
