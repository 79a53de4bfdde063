#include "cli/key_export_plan.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/encoding.h"
#include "cbx/json/field_reader.h"

namespace cbx::cli {
namespace {

using nlohmann::json;
using Fields = cbx::json::FieldReader;
using cbx::json::Uint64Form;

constexpr char kApiVersion[] = "republish.cipherbox.io/v1alpha1";
constexpr char kKind[] = "IpnsRepublish";
constexpr std::size_t kMaxKeyChars = 1024;  // an eciesjs ciphertext of a seed: 172
constexpr std::size_t kMaxNameChars = 253;
constexpr char kUnusable[] = "UNUSABLE";  // only the message (a reason to skip) is shown

const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string text(const json* object, const char* name) {
  if (!object) return "";
  const json* v = member(*object, name);
  return v && v->is_string() ? v->get<std::string>() : std::string{};
}

// Kubernetes object names and namespaces (DNS-1123 subdomain characters).
bool object_name(const std::string& s) {
  if (s.empty() || s.size() > kMaxNameChars) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// Base64 of the plain alphabet only: no whitespace or newline can reach a manifest or the
// shell-quoted patch.
bool base64_charset(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
  });
}

// {epoch, encryptedKey} as status.migratedKey and the ledger's keys hold it; the epoch an
// integer >= 1 or its decimal string.
Result<KeyCiphertext> key_of(const Fields& r, const char* source) {
  auto epoch = r.uint64_in("epoch", 1, UINT64_MAX, Uint64Form::kNumberOrDecimalString);
  if (!epoch) return epoch.error();
  auto key = r.base64_text("encryptedKey", kMaxKeyChars);
  if (!key) return key.error();
  if (!base64_charset(*key)) return r.error("encryptedKey", "expected base64 without whitespace");
  return KeyCiphertext{*epoch, std::move(*key), source};
}

void emit(YAML::Emitter& out, const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [k, x] : v.items()) {
        out << YAML::Key << YAML::DoubleQuoted << k << YAML::Value;
        emit(out, x);
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& x : v) emit(out, x);
      out << YAML::EndSeq;
      break;
    case json::value_t::string:
      out << YAML::DoubleQuoted << v.get<std::string>();
      break;
    case json::value_t::boolean:
      out << v.get<bool>();
      break;
    case json::value_t::number_integer:
      out << v.get<std::int64_t>();
      break;
    case json::value_t::number_unsigned:
      out << v.get<std::uint64_t>();
      break;
    case json::value_t::number_float:
      out << v.get<double>();
      break;
    default:
      out << YAML::Null;
  }
}

json copy_string_map(const json* m, const std::vector<std::string>& drop) {
  json out = json::object();
  if (!m || !m->is_object()) return out;
  for (const auto& [k, v] : m->items()) {
    if (v.is_string() && std::find(drop.begin(), drop.end(), k) == drop.end()) out[k] = v;
  }
  return out;
}

json manifest_of(const json& object, const json& spec, const std::string& ns,
                 const std::string& name, const KeyCiphertext& key) {
  const json* meta = member(object, "metadata");
  json metadata = {{"name", name}, {"namespace", ns}};
  auto labels = copy_string_map(meta ? member(*meta, "labels") : nullptr, {});
  if (!labels.empty()) metadata["labels"] = labels;
  auto annotations = copy_string_map(
      meta ? member(*meta, "annotations") : nullptr,
      {"kubectl.kubernetes.io/last-applied-configuration", op::kRepublishRequestedAnnotation});
  if (!annotations.empty()) metadata["annotations"] = annotations;
  json new_spec = spec;
  new_spec["keyEpoch"] = key.epoch;
  new_spec["encryptedKey"] = key.encrypted_key;
  return {{"apiVersion", kApiVersion}, {"kind", kKind}, {"metadata", metadata}, {"spec", new_spec}};
}

json key_patch(const KeyExportChange& c) {
  return {{"spec", {{"keyEpoch", c.key.epoch}, {"encryptedKey", c.key.encrypted_key}}}};
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct FolderRead {
  std::string ns, name, label;
  const json* spec = nullptr;
  std::uint64_t spec_epoch = 1;
  std::string ipns_name;
  std::optional<KeyCiphertext> migrated;
};

// The folder's status.migratedKey, when its status carries one.
Result<std::optional<KeyCiphertext>> migrated_key_of(const Fields& object) {
  const json* status = object.value("status");
  if (!status || !status->is_object()) return std::optional<KeyCiphertext>{};
  auto migrated = Fields(*status, "status", kUnusable).optional_object("migratedKey");
  if (!migrated) return migrated.error();
  if (!*migrated) return std::optional<KeyCiphertext>{};
  auto key = key_of(**migrated, "status.migratedKey");
  if (!key) return key.error();
  return std::optional<KeyCiphertext>(std::move(*key));
}

// Empty string: usable; otherwise why not (the path of the field at fault).
std::string read_folder(const json& object, FolderRead& f) {
  if (!object.is_object()) return "an item that is not an object";
  const Fields fields(object, "", kUnusable);
  const json* meta = member(object, "metadata");
  f.ns = text(meta, "namespace");
  f.name = text(meta, "name");
  f.label = (f.ns.empty() ? "?" : f.ns) + "/" + (f.name.empty() ? "?" : f.name);
  if (!object_name(f.ns) || !object_name(f.name)) return "metadata.namespace/name not valid";
  auto spec = fields.object("spec");
  if (!spec) return spec.error().message;
  f.spec = member(object, "spec");
  if (spec->has("keyEpoch")) {
    auto epoch = spec->uint64_in("keyEpoch", 1, UINT64_MAX, Uint64Form::kNumberOrDecimalString);
    if (!epoch) return epoch.error().message;
    f.spec_epoch = *epoch;
  }
  f.ipns_name = text(f.spec, "ipnsName");
  auto migrated = migrated_key_of(fields);
  if (!migrated) return migrated.error().message;
  f.migrated = std::move(*migrated);
  return "";
}

}  // namespace

LedgerCiphertexts read_ledger_copies(const std::vector<json>& objects,
                                     std::vector<std::string>& skipped) {
  LedgerCiphertexts out;
  for (const auto& object : objects) {
    const json* meta = member(object, "metadata");
    const json* spec = member(object, "spec");
    std::string label = "KeyLedger " + text(meta, "name");
    std::string name = text(spec, "ipnsName");
    const json* keys = spec ? member(*spec, "keys") : nullptr;
    if (name.empty() || !keys || !keys->is_array()) {
      skipped.push_back(label + ": no spec.ipnsName or spec.keys");
      continue;
    }
    std::size_t bad = 0;
    const Fields spec_fields(*spec, "spec", kUnusable);
    for (std::size_t i = 0; i < keys->size(); ++i) {
      auto item = spec_fields.element_object("keys", *keys, i);
      auto key = item ? key_of(*item, "ledger") : Result<KeyCiphertext>(item.error());
      if (key) {
        out[name].push_back(std::move(*key));
      } else {
        ++bad;
      }
    }
    if (bad > 0)
      skipped.push_back(label + ": " + std::to_string(bad) + " malformed key(s) left out");
  }
  return out;
}

KeyExportPlan plan_key_export(const std::vector<json>& folders, const LedgerCiphertexts& ledger) {
  KeyExportPlan plan;
  for (const auto& object : folders) {
    FolderRead f;
    if (auto why = read_folder(object, f); !why.empty()) {
      plan.skipped.push_back("IpnsRepublish " + f.label + ": " + why + "; not exported");
      continue;
    }
    std::optional<KeyCiphertext> best = f.migrated;
    if (auto it = ledger.find(f.ipns_name); !f.ipns_name.empty() && it != ledger.end()) {
      for (const auto& k : it->second) {
        if (!best || k.epoch > best->epoch) best = k;
      }
    }
    if (!best || best->epoch <= f.spec_epoch) {
      ++plan.in_sync;
      continue;
    }
    plan.changes.push_back(KeyExportChange{f.ns, f.name, f.spec_epoch, *best,
                                           manifest_of(object, *f.spec, f.ns, f.name, *best)});
  }
  std::sort(plan.changes.begin(), plan.changes.end(), [](const auto& a, const auto& b) {
    return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
  });
  return plan;
}

std::string json_to_yaml(const json& value) {
  YAML::Emitter out;
  emit(out, value);
  return std::string(out.c_str()) + "\n";
}

std::string render_export_yaml(const KeyExportPlan& plan) {
  std::string out;
  for (const auto& c : plan.changes) out += "---\n" + json_to_yaml(c.manifest);
  return out;
}

std::string render_export_patch(const KeyExportPlan& plan) {
  std::string out;
  for (const auto& c : plan.changes) {
    out += "kubectl patch ipnsrepublish " + shell_quote(c.name) + " -n " + shell_quote(c.ns) +
           " --type=merge -p " + shell_quote(key_patch(c).dump()) + "\n";
  }
  return out;
}

std::string render_export_kustomize(const KeyExportPlan& plan) {
  if (plan.changes.empty()) return "";
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "kustomize.config.k8s.io/v1beta1";
  out << YAML::Key << "kind" << YAML::Value << "Kustomization";
  out << YAML::Key << "patches" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : plan.changes) {
    json patch = key_patch(c);
    patch["apiVersion"] = kApiVersion;
    patch["kind"] = kKind;
    patch["metadata"] = {{"name", c.name}, {"namespace", c.ns}};
    out << YAML::BeginMap;
    out << YAML::Key << "target" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "group" << YAML::Value << "republish.cipherbox.io";
    out << YAML::Key << "version" << YAML::Value << "v1alpha1";
    out << YAML::Key << "kind" << YAML::Value << kKind;
    out << YAML::Key << "namespace" << YAML::Value << YAML::DoubleQuoted << c.ns;
    out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << c.name;
    out << YAML::EndMap;
    out << YAML::Key << "patch" << YAML::Value << YAML::Literal << json_to_yaml(patch);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return "# merge `patches` into your kustomization.yaml\n" + std::string(out.c_str()) + "\n";
}

}  // namespace cbx::cli
