#include "api/v1alpha1/tee_epoch.h"

#include "api/v1alpha1/ipns_republish.h"

namespace cbx::op {
namespace {

using nlohmann::json;

std::string str(const json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>()
                                                                      : std::string{};
}

std::optional<SysTime> time_of(const json& obj, const char* key) {
  auto text = str(obj, key);
  return text.empty() ? std::nullopt : parse_rfc3339(text);
}

Error spec_error(const std::string& field, const std::string& why) {
  return make_error("INVALID_SPEC", "spec." + field + ": " + why);
}

Result<TeeEpochSpec> parse_spec(const json& spec) {
  TeeEpochSpec out;
  auto epoch = spec.contains("epoch") ? sequence_from_json(spec["epoch"]) : std::nullopt;
  if (!epoch || *epoch == 0) return spec_error("epoch", "must be an integer >= 1");
  out.epoch = *epoch;
  const auto& signer = spec.value("signer", json::object());
  out.signer.url = str(signer, "url");
  if (out.signer.url.empty()) return spec_error("signer.url", "required");
  const auto& ref = signer.value("authSecretRef", json::object());
  out.signer.auth_secret_name = str(ref, "name");
  out.signer.auth_secret_key = str(ref, "key");
  if (out.signer.auth_secret_key.empty()) out.signer.auth_secret_key = "token";
  out.signer.ca_bundle = str(signer, "caBundle");
  out.signer.compose_hash = str(signer, "composeHash");
  out.signer.app_id = str(signer, "appId");
  if (signer.contains("acceptedTcbStatuses") && signer["acceptedTcbStatuses"].is_array()) {
    out.signer.accepted_tcb_statuses.clear();
    for (const auto& s : signer["acceptedTcbStatuses"]) {
      if (s.is_string()) out.signer.accepted_tcb_statuses.push_back(s.get<std::string>());
    }
  }
  out.signer.insecure_simulator = signer.value("insecureSimulator", false);
  if (auto grace = str(spec, "gracePeriod"); !grace.empty()) {
    auto d = parse_duration(grace);
    if (!d) return spec_error("gracePeriod", "not a duration");
    out.grace_period = *d;
  }
  if (auto rotate = str(spec, "rotateAfter"); !rotate.empty()) {
    out.rotate_after = parse_duration(rotate);
    if (!out.rotate_after) return spec_error("rotateAfter", "not a duration");
  }
  out.approval = str(spec, "approval");
  return out;
}

TeeEpochStatus parse_status(const json& st) {
  TeeEpochStatus out;
  if (!st.is_object()) return out;
  out.phase = str(st, "phase");
  if (st.contains("signer") && st["signer"].is_object()) {
    const auto& s = st["signer"];
    out.signer = SignerIdentity{str(s, "url"), str(s, "composeHash"), str(s, "appId"),
                                s.value("simulated", false)};
  }
  out.public_key = str(st, "publicKey");
  if (st.contains("attestation") && st["attestation"].is_object()) {
    const auto& a = st["attestation"];
    Attestation at;
    at.verified = a.value("verified", false);
    at.simulated = a.value("simulated", false);
    at.compose_hash = str(a, "composeHash");
    at.app_id = str(a, "appId");
    at.quote_sha256 = str(a, "quoteSha256");
    at.checked_at = time_of(a, "checkedAt");
    at.tcb_status = str(a, "tcbStatus");
    if (a.contains("advisoryIds") && a["advisoryIds"].is_array()) {
      for (const auto& id : a["advisoryIds"]) {
        if (id.is_string()) at.advisory_ids.push_back(id.get<std::string>());
      }
    }
    at.trust_anchor = str(a, "trustAnchor");
    at.collateral_issue_date = time_of(a, "collateralIssueDate");
    at.collateral_next_update = time_of(a, "collateralNextUpdate");
    at.instance_id = str(a, "instanceId");
    at.mrtd = str(a, "mrtd");
    at.rtmr3 = str(a, "rtmr3");
    out.attestation = std::move(at);
  }
  out.activated_at = time_of(st, "activatedAt");
  out.superseded_at = time_of(st, "supersededAt");
  out.retire_after = time_of(st, "retireAfter");
  out.entries = st.value("entries", std::int64_t{0});
  out.spec_entries = st.value("specEntries", std::int64_t{0});
  out.keys_needed = st.value("keysNeeded", std::int64_t{0});
  out.safe_to_decommission = st.value("safeToDecommission", false);
  out.observed_generation = st.value("observedGeneration", std::int64_t{0});
  if (st.contains("conditions")) out.conditions = conditions_from_json(st["conditions"]);
  return out;
}

json time_json(const std::optional<SysTime>& t) {
  return t ? json(format_rfc3339(*t)) : json(nullptr);
}

}  // namespace

Result<TeeEpoch> parse_tee_epoch(const json& object) {
  if (!object.is_object() || !object.contains("metadata")) {
    return make_error("INVALID_OBJECT", "not a Kubernetes object");
  }
  const auto& meta = object["metadata"];
  TeeEpoch out;
  out.name = str(meta, "name");
  out.resource_version = str(meta, "resourceVersion");
  out.generation = meta.value("generation", std::int64_t{0});
  out.created_at = time_of(meta, "creationTimestamp");
  if (object.contains("status")) out.status = parse_status(object["status"]);
  auto spec = parse_spec(object.value("spec", json::object()));
  if (!spec) return spec.error();
  out.spec = std::move(*spec);
  return out;
}

json tee_epoch_status_to_json(const TeeEpochStatus& st) {
  json out = json::object();
  out["phase"] = st.phase.empty() ? json(nullptr) : json(st.phase);
  if (st.signer) {
    out["signer"] = {{"url", st.signer->url},
                     {"composeHash", st.signer->compose_hash},
                     {"appId", st.signer->app_id},
                     {"simulated", st.signer->simulated}};
  } else {
    out["signer"] = nullptr;
  }
  out["publicKey"] = st.public_key.empty() ? json(nullptr) : json(st.public_key);
  if (st.attestation) {
    const auto& a = *st.attestation;
    out["attestation"] = {{"verified", a.verified},
                          {"simulated", a.simulated},
                          {"tcbStatus", a.tcb_status},
                          {"advisoryIds", a.advisory_ids},
                          {"trustAnchor", a.trust_anchor},
                          {"collateralIssueDate", time_json(a.collateral_issue_date)},
                          {"collateralNextUpdate", time_json(a.collateral_next_update)},
                          {"composeHash", a.compose_hash},
                          {"appId", a.app_id},
                          {"instanceId", a.instance_id},
                          {"mrtd", a.mrtd},
                          {"rtmr3", a.rtmr3},
                          {"quoteSha256", a.quote_sha256},
                          {"checkedAt", time_json(a.checked_at)}};
  } else {
    out["attestation"] = nullptr;
  }
  out["activatedAt"] = time_json(st.activated_at);
  out["supersededAt"] = time_json(st.superseded_at);
  out["retireAfter"] = time_json(st.retire_after);
  out["entries"] = st.entries;
  out["specEntries"] = st.spec_entries;
  out["keysNeeded"] = st.keys_needed;
  out["safeToDecommission"] = st.safe_to_decommission;
  out["observedGeneration"] = st.observed_generation;
  out["conditions"] = to_json(st.conditions);
  return out;
}

}  // namespace cbx::op
