#include "api/v1alpha1/ipns_republish.h"

#include <algorithm>
#include <charconv>

#include "cbx/ipns/record.h"
#include "cbx/json/field_reader.h"

namespace cbx::op {
namespace {

using nlohmann::json;

Error spec_error(const std::string& field, const std::string& why) {
  return make_error("INVALID_SPEC", "spec." + field + ": " + why);
}

std::optional<SysTime> time_field(const json& obj, const char* key) {
  if (!obj.contains(key) || !obj[key].is_string()) return std::nullopt;
  return parse_rfc3339(obj[key].get<std::string>());
}

std::string string_field(const json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : std::string{};
}

// Status fields are the operator's own output: one of the wrong type reads as absent.
std::int64_t int64_field(const json& obj, const char* key) {
  auto n = cbx::json::FieldReader(obj, "", "").optional_int64(key);
  return n && *n ? **n : 0;
}

std::string value_of_record(const std::string& record_base64) {
  auto bytes = base64_decode(record_base64);
  if (!bytes) return "";
  auto record = ipns::unmarshal_record(*bytes);
  return record ? record->value : "";
}

std::optional<ReadBack> parse_read_back(const json& e) {
  if (!e.contains("readBack") || !e["readBack"].is_object()) return std::nullopt;
  const auto& r = e["readBack"];
  ReadBack out;
  out.result = string_field(r, "result");
  if (out.result.empty()) return std::nullopt;
  if (r.contains("sequence")) out.sequence = sequence_from_json(r["sequence"]).value_or(0);
  out.checked_at = time_field(r, "checkedAt");
  if (r.contains("failures") && r["failures"].is_number_unsigned()) {
    out.failures = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(r["failures"].get<std::uint64_t>(), 1u << 20));
  }
  out.message = string_field(r, "message");
  if (r.contains("verifiedSequence"))
    out.verified_sequence = sequence_from_json(r["verifiedSequence"]);
  out.verified_valid_until = time_field(r, "verifiedValidUntil");
  out.verified_at = time_field(r, "verifiedAt");
  return out;
}

json read_back_to_json(const ReadBack& r) {
  json out = {
      {"result", r.result}, {"sequence", sequence_to_string(r.sequence)}, {"failures", r.failures}};
  if (r.checked_at) out["checkedAt"] = format_rfc3339(*r.checked_at);
  if (!r.message.empty()) out["message"] = r.message;
  if (r.verified_sequence) out["verifiedSequence"] = sequence_to_string(*r.verified_sequence);
  if (r.verified_valid_until) out["verifiedValidUntil"] = format_rfc3339(*r.verified_valid_until);
  if (r.verified_at) out["verifiedAt"] = format_rfc3339(*r.verified_at);
  return out;
}

std::vector<AuditEntry> parse_audit(const json& list) {
  std::vector<AuditEntry> out;
  if (!list.is_array()) return out;
  for (const auto& e : list) {
    if (!e.is_object() || !e.contains("sequence")) continue;
    auto sequence = sequence_from_json(e["sequence"]);
    auto epoch = e.contains("epoch") ? sequence_from_json(e["epoch"]) : std::nullopt;
    if (!sequence) continue;
    out.push_back(AuditEntry{*sequence, string_field(e, "recordSha256"),
                             time_field(e, "validUntil"), time_field(e, "publishedAt"),
                             epoch.value_or(0), string_field(e, "signer"),
                             string_field(e, "composeHash"), string_field(e, "quoteSha256")});
  }
  if (out.size() > kAuditEntries) out.erase(out.begin(), out.end() - kAuditEntries);
  return out;
}

void read_audit(const json& list, AuditDetail detail, IpnsRepublishStatus& out) {
  if (!list.is_array()) return;
  out.audit_length = list.size();
  for (const auto& e : list) {
    auto sequence = e.is_object() && e.contains("sequence") ? sequence_from_json(e["sequence"])
                                                            : std::nullopt;
    if (sequence) out.audit_sequences.push_back(*sequence);
  }
  if (detail == AuditDetail::kEntries) out.audit = parse_audit(list);
}

std::vector<EndpointStatus> parse_endpoints(const json& list) {
  std::vector<EndpointStatus> out;
  if (!list.is_array()) return out;
  for (const auto& e : list) {
    if (!e.is_object() || string_field(e, "url").empty()) continue;
    EndpointStatus s;
    s.url = string_field(e, "url");
    if (e.contains("publishedSequence"))
      s.published_sequence = sequence_from_json(e["publishedSequence"]);
    s.last_attempt_at = time_field(e, "lastAttemptAt");
    s.last_success_at = time_field(e, "lastSuccessAt");
    s.retry_after = time_field(e, "retryAfter");
    s.message = string_field(e, "message");
    s.read_back = parse_read_back(e);
    out.push_back(std::move(s));
  }
  return out;
}

json endpoints_to_json(const std::vector<EndpointStatus>& endpoints) {
  auto out = json::array();
  for (const auto& e : endpoints) {
    json item = {{"url", e.url}};
    if (e.published_sequence) item["publishedSequence"] = sequence_to_string(*e.published_sequence);
    if (e.last_attempt_at) item["lastAttemptAt"] = format_rfc3339(*e.last_attempt_at);
    if (e.last_success_at) item["lastSuccessAt"] = format_rfc3339(*e.last_success_at);
    if (e.retry_after) item["retryAfter"] = format_rfc3339(*e.retry_after);
    if (!e.message.empty()) item["message"] = e.message;
    if (e.read_back) item["readBack"] = read_back_to_json(*e.read_back);
    out.push_back(std::move(item));
  }
  return out;
}

Status parse_duration_field(const json& spec, const char* key, Nanos& out) {
  if (!spec.contains(key)) return ok_status();
  if (!spec[key].is_string()) return spec_error(key, "must be a duration string such as 6h");
  auto d = parse_duration(spec[key].get<std::string>());
  if (!d || d->count() <= 0) return spec_error(key, "must be a positive duration such as 6h");
  out = *d;
  return ok_status();
}

Result<IpnsRepublishSpec> parse_spec(const json& spec) {
  if (!spec.is_object()) return spec_error("", "missing");
  IpnsRepublishSpec out;
  out.ipns_name = string_field(spec, "ipnsName");
  if (out.ipns_name.empty()) return spec_error("ipnsName", "required");
  out.cid = string_field(spec, "cid");
  if (out.cid.empty()) return spec_error("cid", "required");
  out.encrypted_key = string_field(spec, "encryptedKey");
  if (out.encrypted_key.empty()) return spec_error("encryptedKey", "required");
  if (spec.contains("ownerRecord") && !string_field(spec, "ownerRecord").empty()) {
    auto bytes = base64_decode(string_field(spec, "ownerRecord"));
    if (!bytes) return spec_error("ownerRecord", "not valid base64");
    out.owner_record = std::move(*bytes);
  }
  if (spec.contains("keyEpoch")) {
    auto epoch = sequence_from_json(spec["keyEpoch"]);
    if (!epoch || *epoch == 0) return spec_error("keyEpoch", "must be an integer >= 1");
    out.key_epoch = *epoch;
  }
  if (spec.contains("sequence") && !spec["sequence"].is_null()) {
    out.sequence = sequence_from_json(spec["sequence"]);
    if (!out.sequence) return spec_error("sequence", "must be a non-negative 64-bit integer");
  }
  CBX_TRY_STATUS(parse_duration_field(spec, "interval", out.interval));
  CBX_TRY_STATUS(parse_duration_field(spec, "lifetime", out.lifetime));
  CBX_TRY_STATUS(parse_duration_field(spec, "ttl", out.ttl));
  if (spec.contains("suspend") && spec["suspend"].is_boolean())
    out.suspend = spec["suspend"].get<bool>();
  return out;
}

IpnsRepublishStatus parse_status(const json& st, AuditDetail audit_detail) {
  IpnsRepublishStatus out;
  if (!st.is_object()) return out;
  if (st.contains("sequence")) out.sequence = sequence_from_json(st["sequence"]);
  if (st.contains("publishedSequence"))
    out.published_sequence = sequence_from_json(st["publishedSequence"]);
  out.published_cid = string_field(st, "publishedCid");
  out.last_published_at = time_field(st, "lastPublishedAt");
  out.valid_until = time_field(st, "validUntil");
  out.next_republish_at = time_field(st, "nextRepublishAt");
  if (st.contains("keyEpoch")) out.key_epoch = sequence_from_json(st["keyEpoch"]);
  if (st.contains("migratedKey") && st["migratedKey"].is_object()) {
    const auto& m = st["migratedKey"];
    auto epoch = m.contains("epoch") ? sequence_from_json(m["epoch"]) : std::nullopt;
    if (epoch && !string_field(m, "encryptedKey").empty()) {
      out.migrated_key = EncryptedKeyRef{*epoch, string_field(m, "encryptedKey")};
    }
  }
  if (st.contains("pending") && st["pending"].is_object()) {
    const auto& p = st["pending"];
    auto seq = p.contains("sequence") ? sequence_from_json(p["sequence"]) : std::nullopt;
    auto valid_until = time_field(p, "validUntil");
    if (seq && valid_until && !string_field(p, "record").empty()) {
      out.pending = PendingRecord{*seq, string_field(p, "record"), *valid_until,
                                  time_field(p, "signedAt").value_or(SysTime{}),
                                  value_of_record(string_field(p, "record"))};
    }
  }
  out.last_record = string_field(st, "lastRecord");
  if (st.contains("endpoints")) out.endpoints = parse_endpoints(st["endpoints"]);
  if (st.contains("audit")) read_audit(st["audit"], audit_detail, out);
  out.last_handled_request = string_field(st, "lastHandledRequestAt");
  if (st.contains("failures") && st["failures"].is_object()) {
    const auto& f = st["failures"];
    auto failures = cbx::json::FieldReader(f, "", "").optional_uint64("count");
    out.failures.count = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(failures && *failures ? **failures : 0, UINT32_MAX));
    out.failures.reason = string_field(f, "reason");
    out.failures.message = string_field(f, "message");
    out.failures.last_attempt_at = time_field(f, "lastAttemptAt");
  }
  out.observed_generation = int64_field(st, "observedGeneration");
  if (st.contains("conditions")) out.conditions = conditions_from_json(st["conditions"]);
  return out;
}

void put_time(json& obj, const char* key, const std::optional<SysTime>& t) {
  obj[key] = t ? json(format_rfc3339(*t)) : json(nullptr);
}

void put_sequence(json& obj, const char* key, const std::optional<std::uint64_t>& v) {
  obj[key] = v ? json(sequence_to_string(*v)) : json(nullptr);
}

}  // namespace

std::optional<std::uint64_t> sequence_from_json(const json& value) {
  return cbx::json::uint64_of(value, cbx::json::Uint64Form::kNumberOrDecimalString);
}

std::string sequence_to_string(std::uint64_t value) {
  return std::to_string(value);
}

namespace {

IpnsRepublish decode_or_throw(const json& object, AuditDetail audit) {
  IpnsRepublish out;
  if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) {
    out.invalid_spec = make_error("INVALID_OBJECT", "not a Kubernetes object");
    return out;
  }
  const auto& meta = object["metadata"];
  out.ns = string_field(meta, "namespace");
  out.name = string_field(meta, "name");
  out.uid = string_field(meta, "uid");
  out.resource_version = string_field(meta, "resourceVersion");
  auto generation =
      cbx::json::FieldReader(meta, "metadata", "INVALID_OBJECT").optional_int64("generation");
  if (generation) out.generation = generation->value_or(0);
  out.created_at = time_field(meta, "creationTimestamp");
  if (meta.contains("annotations") && meta["annotations"].is_object()) {
    out.requested_at = string_field(meta["annotations"], kRepublishRequestedAnnotation);
  }
  if (object.contains("status")) out.status = parse_status(object["status"], audit);
  auto spec_json = object.find("spec");
  auto spec = parse_spec(spec_json != object.end() ? *spec_json : json::object());
  if (spec && generation) {
    out.spec = std::move(*spec);
  } else {
    out.invalid_spec = spec ? generation.error() : spec.error();
    if (spec_json != object.end()) out.spec.ipns_name = string_field(*spec_json, "ipnsName");
  }
  return out;
}

}  // namespace

IpnsRepublish decode_ipns_republish(const json& object, AuditDetail audit) {
  try {
    return decode_or_throw(object, audit);
  } catch (const json::exception& e) {
    // A field of a type the CRD schema does not allow (a status written by hand, an old API
    // server): cached as invalid rather than letting the informer thread die.
    IpnsRepublish out;
    out.invalid_spec = make_error("INVALID_OBJECT", std::string("unreadable field: ") + e.what());
    auto meta = object.is_object() ? object.find("metadata") : object.end();
    if (object.is_object() && meta != object.end() && meta->is_object()) {
      out.ns = string_field(*meta, "namespace");
      out.name = string_field(*meta, "name");
      out.uid = string_field(*meta, "uid");
      out.resource_version = string_field(*meta, "resourceVersion");
    }
    if (object.is_object() && object.contains("spec")) {
      out.spec.ipns_name = string_field(object["spec"], "ipnsName");
    }
    return out;
  }
}

Result<IpnsRepublish> parse_ipns_republish(const json& object, AuditDetail audit) {
  auto out = decode_ipns_republish(object, audit);
  if (out.invalid_spec) return *out.invalid_spec;
  return out;
}

json audit_entry_to_json(const AuditEntry& a) {
  json item = {{"sequence", sequence_to_string(a.sequence)},
               {"recordSha256", a.record_sha256},
               {"epoch", a.epoch}};
  if (a.valid_until) item["validUntil"] = format_rfc3339(*a.valid_until);
  if (a.published_at) item["publishedAt"] = format_rfc3339(*a.published_at);
  if (!a.signer.empty()) item["signer"] = a.signer;
  if (!a.compose_hash.empty()) item["composeHash"] = a.compose_hash;
  if (!a.quote_sha256.empty()) item["quoteSha256"] = a.quote_sha256;
  return item;
}

json status_to_json(const IpnsRepublishStatus& st) {
  json out = json::object();
  put_sequence(out, "sequence", st.sequence);
  put_sequence(out, "publishedSequence", st.published_sequence);
  out["publishedCid"] = st.published_cid.empty() ? json(nullptr) : json(st.published_cid);
  put_time(out, "lastPublishedAt", st.last_published_at);
  put_time(out, "validUntil", st.valid_until);
  put_time(out, "nextRepublishAt", st.next_republish_at);
  out["keyEpoch"] = st.key_epoch ? json(*st.key_epoch) : json(nullptr);
  out["migratedKey"] = st.migrated_key ? json{{"epoch", st.migrated_key->epoch},
                                              {"encryptedKey", st.migrated_key->encrypted_key}}
                                       : json(nullptr);
  if (st.pending) {
    out["pending"] = {{"sequence", sequence_to_string(st.pending->sequence)},
                      {"record", st.pending->record},
                      {"validUntil", format_rfc3339(st.pending->valid_until)},
                      {"signedAt", format_rfc3339(st.pending->signed_at)}};
  } else {
    out["pending"] = nullptr;
  }
  out["lastRecord"] = st.last_record.empty() ? json(nullptr) : json(st.last_record);
  out["lastHandledRequestAt"] =
      st.last_handled_request.empty() ? json(nullptr) : json(st.last_handled_request);
  out["endpoints"] = endpoints_to_json(st.endpoints);
  // Explicit nulls: status is written as a JSON merge patch, where an absent field keeps the
  // stored value (a success must clear the last failure's reason and message).
  json failures = {{"count", st.failures.count}};
  failures["reason"] = st.failures.reason.empty() ? json(nullptr) : json(st.failures.reason);
  failures["message"] = st.failures.message.empty() ? json(nullptr) : json(st.failures.message);
  put_time(failures, "lastAttemptAt", st.failures.last_attempt_at);
  out["failures"] = failures;
  out["observedGeneration"] = st.observed_generation;
  out["conditions"] = to_json(st.conditions);
  return out;
}

EncryptedKeyRef effective_key(const IpnsRepublish& obj) {
  const auto& migrated = obj.status.migrated_key;
  if (migrated && migrated->epoch > obj.spec.key_epoch) return *migrated;
  return EncryptedKeyRef{obj.spec.key_epoch, obj.spec.encrypted_key};
}

}  // namespace cbx::op
