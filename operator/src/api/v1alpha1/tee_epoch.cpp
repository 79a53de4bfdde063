#include "api/v1alpha1/tee_epoch.h"

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/json/field_reader.h"

namespace cbx::op {
namespace {

using cbx::json::FieldReader;
using cbx::json::Uint64Form;
using nlohmann::json;

// Status is the operator's own output: a field of the wrong type (an older operator, a hand
// edit) reads as absent instead of hiding the whole epoch.
std::string str(const FieldReader& r, const char* key) {
  auto s = r.optional_string(key);
  return s && *s ? **s : std::string{};
}

std::optional<SysTime> time_of(const FieldReader& r, const char* key) {
  auto text = str(r, key);
  return text.empty() ? std::nullopt : parse_rfc3339(text);
}

bool flag(const FieldReader& r, const char* key) {
  auto b = r.optional_boolean(key);
  return b && b->value_or(false);
}

std::int64_t count(const FieldReader& r, const char* key) {
  auto n = r.optional_int64(key);
  return n && *n ? **n : 0;
}

std::vector<std::string> strings(const FieldReader& r, const char* key) {
  std::vector<std::string> out;
  auto list = r.optional_array(key);
  if (!list || !*list) return out;
  for (const auto& item : ***list) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

Error spec_error(const std::string& field, const std::string& why) {
  return make_error("INVALID_SPEC", "spec." + field + ": " + why);
}

// An optional string of the spec: absent or null gives "".
#define SPEC_STRING(out, reader, key)            \
  do {                                           \
    auto value_ = (reader).optional_string(key); \
    if (!value_) return value_.error();          \
    (out) = value_->value_or("");                \
  } while (0)

Result<SignerSpec> parse_signer(const FieldReader& spec) {
  SignerSpec out;
  auto signer = spec.optional_object("signer");
  if (!signer) return signer.error();
  FieldReader none(json::object(), "spec.signer", "INVALID_SPEC");
  const FieldReader& s = *signer ? **signer : none;
  SPEC_STRING(out.url, s, "url");
  if (out.url.empty()) return spec_error("signer.url", "required");
  auto ref = s.optional_object("authSecretRef");
  if (!ref) return ref.error();
  if (*ref) {
    SPEC_STRING(out.auth_secret_name, **ref, "name");
    SPEC_STRING(out.auth_secret_key, **ref, "key");
  }
  if (out.auth_secret_key.empty()) out.auth_secret_key = "token";
  SPEC_STRING(out.ca_bundle, s, "caBundle");
  SPEC_STRING(out.compose_hash, s, "composeHash");
  SPEC_STRING(out.app_id, s, "appId");
  auto statuses = s.optional_array("acceptedTcbStatuses", 64);
  if (!statuses) return statuses.error();
  if (*statuses) {
    out.accepted_tcb_statuses.clear();
    for (std::size_t i = 0; i < (**statuses)->size(); ++i) {
      const auto& item = (***statuses)[i];
      if (!item.is_string()) {
        return make_error("INVALID_SPEC",
                          s.element_path("acceptedTcbStatuses", i) + ": expected a string");
      }
      out.accepted_tcb_statuses.push_back(item.get<std::string>());
    }
  }
  auto simulator = s.optional_boolean("insecureSimulator");
  if (!simulator) return simulator.error();
  out.insecure_simulator = simulator->value_or(false);
  return out;
}

Result<TeeEpochSpec> parse_spec(const FieldReader& spec) {
  TeeEpochSpec out;
  auto epoch = spec.optional_uint64("epoch", Uint64Form::kNumberOrDecimalString);
  if (!epoch || !*epoch || **epoch == 0) return spec_error("epoch", "must be an integer >= 1");
  out.epoch = **epoch;
  auto signer = parse_signer(spec);
  if (!signer) return signer.error();
  out.signer = std::move(*signer);
  std::string grace;
  SPEC_STRING(grace, spec, "gracePeriod");
  if (!grace.empty()) {
    auto d = parse_duration(grace);
    if (!d) return spec_error("gracePeriod", "not a duration");
    out.grace_period = *d;
  }
  std::string rotate;
  SPEC_STRING(rotate, spec, "rotateAfter");
  if (!rotate.empty()) {
    out.rotate_after = parse_duration(rotate);
    if (!out.rotate_after) return spec_error("rotateAfter", "not a duration");
  }
  SPEC_STRING(out.approval, spec, "approval");
  return out;
}

Attestation parse_attestation(const FieldReader& a) {
  Attestation at;
  at.verified = flag(a, "verified");
  at.simulated = flag(a, "simulated");
  at.compose_hash = str(a, "composeHash");
  at.app_id = str(a, "appId");
  at.quote_sha256 = str(a, "quoteSha256");
  at.checked_at = time_of(a, "checkedAt");
  at.tcb_status = str(a, "tcbStatus");
  at.advisory_ids = strings(a, "advisoryIds");
  at.trust_anchor = str(a, "trustAnchor");
  at.collateral_issue_date = time_of(a, "collateralIssueDate");
  at.collateral_next_update = time_of(a, "collateralNextUpdate");
  at.instance_id = str(a, "instanceId");
  at.mrtd = str(a, "mrtd");
  at.rtmr3 = str(a, "rtmr3");
  return at;
}

TeeEpochStatus parse_status(const json& value) {
  TeeEpochStatus out;
  if (!value.is_object()) return out;
  FieldReader st(value, "status", "INVALID_STATUS");
  out.phase = str(st, "phase");
  if (auto s = st.optional_object("signer"); s && *s) {
    out.signer = SignerIdentity{str(**s, "url"), str(**s, "composeHash"), str(**s, "appId"),
                                flag(**s, "simulated")};
  }
  out.public_key = str(st, "publicKey");
  if (auto a = st.optional_object("attestation"); a && *a) out.attestation = parse_attestation(**a);
  out.activated_at = time_of(st, "activatedAt");
  out.superseded_at = time_of(st, "supersededAt");
  out.retire_after = time_of(st, "retireAfter");
  out.entries = count(st, "entries");
  out.spec_entries = count(st, "specEntries");
  out.keys_needed = count(st, "keysNeeded");
  out.safe_to_decommission = flag(st, "safeToDecommission");
  out.observed_generation = count(st, "observedGeneration");
  if (value.contains("conditions")) out.conditions = conditions_from_json(value["conditions"]);
  return out;
}

json time_json(const std::optional<SysTime>& t) {
  return t ? json(format_rfc3339(*t)) : json(nullptr);
}

}  // namespace

Result<TeeEpoch> parse_tee_epoch(const json& object) {
  if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) {
    return make_error("INVALID_OBJECT", "not a Kubernetes object");
  }
  FieldReader meta(object["metadata"], "metadata", "INVALID_OBJECT");
  TeeEpoch out;
  out.name = str(meta, "name");
  out.resource_version = str(meta, "resourceVersion");
  auto generation = meta.optional_int64("generation");
  if (!generation) return generation.error();
  out.generation = generation->value_or(0);
  out.created_at = time_of(meta, "creationTimestamp");
  if (object.contains("status")) out.status = parse_status(object["status"]);
  static const json kEmpty = json::object();
  auto spec_value = object.find("spec");
  bool absent = spec_value == object.end() || spec_value->is_null();
  auto spec = FieldReader::of(absent ? kEmpty : *spec_value, "spec", "INVALID_SPEC");
  if (!spec) return spec.error();
  auto parsed = parse_spec(*spec);
  if (!parsed) return parsed.error();
  out.spec = std::move(*parsed);
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
