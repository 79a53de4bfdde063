#include "api/v1alpha1/key_ledger.h"

#include <algorithm>
#include <set>

#include "cbx/ipns/name.h"
#include "cbx/json/field_reader.h"
#include "kube/resource.h"

// Binds `var` to the value of a Result-returning expression, or returns its error.
#define LEDGER_TRY(var, expr)                     \
  auto var##_result = (expr);                     \
  if (!var##_result) return var##_result.error(); \
  auto var = std::move(*var##_result)

namespace cbx::op {
namespace {

using nlohmann::json;
using Fields = cbx::json::FieldReader;

constexpr char kInvalidLedger[] = "INVALID_LEDGER";
constexpr std::size_t kMaxFolderChars = 317;  // namespace (63) + "/" + name (253)

Result<SysTime> required_time(const Fields& r, std::string_view key) {
  LEDGER_TRY(text, r.nonempty_string(key, 64));
  auto at = parse_rfc3339(text);
  if (!at) return r.error(key, "not an RFC 3339 time");
  return *at;
}

Result<std::optional<SysTime>> optional_time(const Fields& r, std::string_view key) {
  if (!r.has(key)) return std::optional<SysTime>{};
  LEDGER_TRY(at, required_time(r, key));
  return std::optional<SysTime>(at);
}

// A sequence as the CRDs hold it: a decimal string (or an integer, from older writers).
Result<std::uint64_t> sequence_of(const Fields& r, std::string_view key) {
  return r.uint64(key, cbx::json::Uint64Form::kNumberOrDecimalString);
}

bool known_source(const std::string& s) {
  return s == ledger_source::kSpec || s == ledger_source::kMigrated ||
         s == ledger_source::kRewrapped;
}

Result<LedgerKey> parse_key(const Fields& item) {
  LedgerKey out;
  LEDGER_TRY(epoch, item.uint64_in("epoch", 1, UINT64_MAX));
  out.epoch = epoch;
  LEDGER_TRY(key, item.base64_text("encryptedKey", kLedgerMaxKeyChars));
  out.encrypted_key = std::move(key);
  LEDGER_TRY(source, item.nonempty_string("source", 16));
  if (!known_source(source)) return item.error("source", "not Spec, Migrated or Rewrapped");
  out.source = std::move(source);
  LEDGER_TRY(at, required_time(item, "recordedAt"));
  out.recorded_at = at;
  return out;
}

Result<std::vector<LedgerKey>> parse_keys(const Fields& spec) {
  std::vector<LedgerKey> out;
  LEDGER_TRY(keys, spec.optional_array("keys", kLedgerMaxKeys));
  if (!keys) return out;
  std::set<std::uint64_t> epochs;
  for (std::size_t i = 0; i < (*keys)->size(); ++i) {
    LEDGER_TRY(item, spec.element_object("keys", **keys, i));
    LEDGER_TRY(key, parse_key(item));
    if (!epochs.insert(key.epoch).second) {
      return spec.error("keys", "two entries for epoch " + std::to_string(key.epoch));
    }
    out.push_back(std::move(key));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.epoch < b.epoch; });
  return out;
}

bool folder_key(const json& f) {
  if (!f.is_string()) return false;
  const auto& key = f.get_ref<const std::string&>();
  auto slash = key.find('/');
  return key.size() <= kMaxFolderChars && slash != std::string::npos && slash != 0 &&
         slash + 1 != key.size();
}

Result<std::vector<std::string>> parse_folders(const Fields& spec) {
  std::vector<std::string> out;
  LEDGER_TRY(folders, spec.optional_array("folders", kLedgerMaxFolders));
  if (!folders) return out;
  for (std::size_t i = 0; i < (*folders)->size(); ++i) {
    const json& f = (**folders)[i];
    if (!folder_key(f)) {
      return make_error(kInvalidLedger, spec.element_path("folders", i) + ": expected a string " +
                                            "namespace/name of at most 317 characters");
    }
    out.push_back(f.get<std::string>());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::optional<LedgerPendingRecord>> parse_pending(const Fields& spec) {
  LEDGER_TRY(pending, spec.optional_object("pendingRecord"));
  if (!pending) return std::optional<LedgerPendingRecord>{};
  const Fields& p = *pending;
  LedgerPendingRecord out;
  LEDGER_TRY(sequence, sequence_of(p, "sequence"));
  out.sequence = sequence;
  LEDGER_TRY(record, p.base64_text("record", kLedgerMaxRecordChars));
  out.record = std::move(record);
  LEDGER_TRY(valid_until, required_time(p, "validUntil"));
  out.valid_until = valid_until;
  LEDGER_TRY(folder, p.nonempty_string("folder", kMaxFolderChars));
  out.folder = std::move(folder);
  return std::optional(std::move(out));
}

}  // namespace

bool valid_ledger_name(const std::string& ipns_name) {
  if (ipns_name.size() > 63 || !ipns_name.starts_with("k51")) return false;
  for (char c : ipns_name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return ipns::parse_name(ipns_name).ok();
}

const LedgerKey* KeyLedger::key_for(std::uint64_t epoch) const {
  for (const auto& k : keys) {
    if (k.epoch == epoch) return &k;
  }
  return nullptr;
}

Result<KeyLedger> parse_key_ledger(const json& object) {
  LEDGER_TRY(top, Fields::of(object, "", kInvalidLedger));
  LEDGER_TRY(meta, top.object("metadata"));
  KeyLedger out;
  LEDGER_TRY(name, meta.nonempty_string("name", 253));
  out.name = std::move(name);
  // Only the API server writes it; anything but a string is no version to send back.
  if (const json* rv = meta.value("resourceVersion"); rv && rv->is_string()) {
    out.resource_version = rv->get<std::string>();
  }
  LEDGER_TRY(spec, top.object("spec"));
  LEDGER_TRY(ipns_name, spec.nonempty_string("ipnsName", 253));
  if (!valid_ledger_name(ipns_name)) return spec.error("ipnsName", "not an IPNS name (k51…)");
  if (ipns_name != out.name) {
    return make_error(kInvalidLedger,
                      "metadata.name " + out.name + " is not spec.ipnsName " + ipns_name);
  }
  out.ipns_name = std::move(ipns_name);
  LEDGER_TRY(keys, parse_keys(spec));
  out.keys = std::move(keys);
  LEDGER_TRY(folders, parse_folders(spec));
  out.folders = std::move(folders);
  LEDGER_TRY(deleted_at, optional_time(spec, "deletedAt"));
  out.deleted_at = deleted_at;
  if (spec.has("sequence")) {
    LEDGER_TRY(sequence, sequence_of(spec, "sequence"));
    out.sequence = sequence;
  }
  LEDGER_TRY(pending, parse_pending(spec));
  out.pending_record = std::move(pending);
  return out;
}

json key_ledger_spec_to_json(const KeyLedger& ledger) {
  json keys = json::array();
  for (const auto& k : ledger.keys) {
    keys.push_back({{"epoch", k.epoch},
                    {"encryptedKey", k.encrypted_key},
                    {"source", k.source},
                    {"recordedAt", format_rfc3339(k.recorded_at)}});
  }
  json spec = {{"ipnsName", ledger.ipns_name}, {"keys", keys}, {"folders", ledger.folders}};
  if (ledger.deleted_at) spec["deletedAt"] = format_rfc3339(*ledger.deleted_at);
  if (ledger.sequence) spec["sequence"] = sequence_to_string(*ledger.sequence);
  if (const auto& p = ledger.pending_record) {
    spec["pendingRecord"] = {{"sequence", sequence_to_string(p->sequence)},
                             {"record", p->record},
                             {"validUntil", format_rfc3339(p->valid_until)},
                             {"folder", p->folder}};
  }
  return spec;
}

json key_ledger_to_object(const KeyLedger& ledger, const std::string& ns) {
  json meta = {{"name", ledger.ipns_name}, {"namespace", ns}};
  if (!ledger.resource_version.empty()) meta["resourceVersion"] = ledger.resource_version;
  return {{"apiVersion", kube::resources::kKeyLedger.api_version()},
          {"kind", kube::resources::kKeyLedger.kind},
          {"metadata", meta},
          {"spec", key_ledger_spec_to_json(ledger)}};
}

}  // namespace cbx::op
