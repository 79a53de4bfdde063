#include "api/v1alpha1/key_ledger.h"

#include <algorithm>
#include <set>

#include "cbx/ipns/name.h"
#include "kube/resource.h"

// Binds `var` to the value of a Result-returning expression, or returns its error.
#define LEDGER_TRY(var, expr)                     \
  auto var##_result = (expr);                     \
  if (!var##_result) return var##_result.error(); \
  auto var = std::move(*var##_result)

namespace cbx::op {
namespace {

using nlohmann::json;

Error invalid(const std::string& why) {
  return make_error("INVALID_LEDGER", why);
}

Result<std::string> required_string(const json& obj, const char* key, std::size_t max_chars,
                                    const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return invalid(where + key + ": must be a string");
  const auto& text = it->get_ref<const std::string&>();
  if (text.empty() || text.size() > max_chars)
    return invalid(where + key + ": must be 1.." + std::to_string(max_chars) + " characters");
  return text;
}

Result<SysTime> required_time(const json& obj, const char* key, const std::string& where) {
  LEDGER_TRY(text, required_string(obj, key, 64, where));
  auto at = parse_rfc3339(text);
  if (!at) return invalid(where + key + ": not an RFC 3339 time");
  return *at;
}

Result<std::optional<SysTime>> optional_time(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<SysTime>{};
  LEDGER_TRY(at, required_time(obj, key, "spec."));
  return std::optional<SysTime>(at);
}

bool known_source(const std::string& s) {
  return s == ledger_source::kSpec || s == ledger_source::kMigrated ||
         s == ledger_source::kRewrapped;
}

Result<LedgerKey> parse_key(const json& item, std::size_t index) {
  std::string where = "spec.keys[" + std::to_string(index) + "].";
  if (!item.is_object()) return invalid(where + ": must be an object");
  auto epoch = item.find("epoch");
  // An integer >= 1 (the JSON parser gives unsigned numbers, code that built the object may
  // give signed ones).
  bool ok =
      epoch != item.end() && ((epoch->is_number_unsigned() && epoch->get<std::uint64_t>() >= 1) ||
                              (epoch->is_number_integer() && epoch->get<std::int64_t>() >= 1));
  if (!ok) return invalid(where + "epoch: must be an integer >= 1");
  LedgerKey out;
  out.epoch = epoch->get<std::uint64_t>();
  LEDGER_TRY(key, required_string(item, "encryptedKey", kLedgerMaxKeyChars, where));
  if (!base64_decode(key)) return invalid(where + "encryptedKey: not base64");
  out.encrypted_key = key;
  LEDGER_TRY(source, required_string(item, "source", 16, where));
  if (!known_source(source)) return invalid(where + "source: not Spec, Migrated or Rewrapped");
  out.source = source;
  LEDGER_TRY(at, required_time(item, "recordedAt", where));
  out.recorded_at = at;
  return out;
}

Result<std::vector<LedgerKey>> parse_keys(const json& spec) {
  std::vector<LedgerKey> out;
  auto it = spec.find("keys");
  if (it == spec.end() || it->is_null()) return out;
  if (!it->is_array()) return invalid("spec.keys: must be a list");
  if (it->size() > kLedgerMaxKeys)
    return invalid("spec.keys: more than " + std::to_string(kLedgerMaxKeys) + " entries");
  std::set<std::uint64_t> epochs;
  for (std::size_t i = 0; i < it->size(); ++i) {
    LEDGER_TRY(key, parse_key((*it)[i], i));
    if (!epochs.insert(key.epoch).second)
      return invalid("spec.keys: two entries for epoch " + std::to_string(key.epoch));
    out.push_back(std::move(key));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.epoch < b.epoch; });
  return out;
}

Result<std::vector<std::string>> parse_folders(const json& spec) {
  std::vector<std::string> out;
  auto it = spec.find("folders");
  if (it == spec.end() || it->is_null()) return out;
  if (!it->is_array()) return invalid("spec.folders: must be a list");
  if (it->size() > kLedgerMaxFolders)
    return invalid("spec.folders: more than " + std::to_string(kLedgerMaxFolders) + " entries");
  for (const auto& f : *it) {
    if (!f.is_string()) return invalid("spec.folders: entries must be strings");
    const auto& key = f.get_ref<const std::string&>();
    auto slash = key.find('/');
    if (key.size() > 317 || slash == std::string::npos || slash == 0 || slash + 1 == key.size())
      return invalid("spec.folders: entries must be namespace/name");
    out.push_back(key);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::optional<LedgerPendingRecord>> parse_pending(const json& spec) {
  auto it = spec.find("pendingRecord");
  if (it == spec.end() || it->is_null()) return std::optional<LedgerPendingRecord>{};
  if (!it->is_object()) return invalid("spec.pendingRecord: must be an object");
  const std::string where = "spec.pendingRecord.";
  LedgerPendingRecord out;
  auto sequence = it->contains("sequence") ? sequence_from_json((*it)["sequence"]) : std::nullopt;
  if (!sequence) return invalid(where + "sequence: must be a decimal string");
  out.sequence = *sequence;
  LEDGER_TRY(record, required_string(*it, "record", kLedgerMaxRecordChars, where));
  if (!base64_decode(record)) return invalid(where + "record: not base64");
  out.record = record;
  LEDGER_TRY(valid_until, required_time(*it, "validUntil", where));
  out.valid_until = valid_until;
  LEDGER_TRY(folder, required_string(*it, "folder", 317, where));
  out.folder = folder;
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
  if (!object.is_object()) return invalid("not an object");
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return invalid("metadata: missing");
  KeyLedger out;
  LEDGER_TRY(name, required_string(*meta, "name", 253, "metadata."));
  out.name = name;
  if (auto rv = meta->find("resourceVersion"); rv != meta->end() && rv->is_string())
    out.resource_version = rv->get<std::string>();
  auto spec = object.find("spec");
  if (spec == object.end() || !spec->is_object()) return invalid("spec: missing");
  LEDGER_TRY(ipns_name, required_string(*spec, "ipnsName", 253, "spec."));
  if (!valid_ledger_name(ipns_name)) return invalid("spec.ipnsName: not an IPNS name (k51…)");
  if (ipns_name != out.name)
    return invalid("metadata.name " + out.name + " is not spec.ipnsName " + ipns_name);
  out.ipns_name = ipns_name;
  LEDGER_TRY(keys, parse_keys(*spec));
  out.keys = std::move(keys);
  LEDGER_TRY(folders, parse_folders(*spec));
  out.folders = std::move(folders);
  LEDGER_TRY(deleted_at, optional_time(*spec, "deletedAt"));
  out.deleted_at = deleted_at;
  if (auto seq = spec->find("sequence"); seq != spec->end() && !seq->is_null()) {
    out.sequence = sequence_from_json(*seq);
    if (!out.sequence) return invalid("spec.sequence: must be a decimal string");
  }
  LEDGER_TRY(pending, parse_pending(*spec));
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
