#pragma once
// `keys export`: which folders' manifests must change so that the spec carries the key the
// operator actually uses (a migrated key in status.migratedKey, or a newer copy in the key
// ledger), and the output in three forms. Pure: the command reads the cluster and prints.
// Inputs cross a trust boundary (status and ledger objects anyone with write access could have
// shaped): every field is checked, a bad object is skipped and named, nothing throws.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cbx::cli {

struct KeyCiphertext {
  std::uint64_t epoch = 0;
  std::string encrypted_key;  // base64 eciesjs ciphertext
  std::string source;         // "status.migratedKey" or "ledger"
};

struct KeyExportChange {
  std::string ns;
  std::string name;
  std::uint64_t spec_epoch = 0;
  KeyCiphertext key;
  nlohmann::json manifest;  // the object as it should be committed (spec with the new key)
};

struct KeyExportPlan {
  std::vector<KeyExportChange> changes;  // sorted by namespace, name
  std::size_t in_sync = 0;               // folders whose spec already carries the newest key
  std::vector<std::string> skipped;      // one message per object that could not be used
};

// Ledger copies per IPNS name, as read from KeyLedger objects (read_ledger_copies).
using LedgerCiphertexts = std::map<std::string, std::vector<KeyCiphertext>>;

// Reads KeyLedger objects leniently: keys that are not well-formed are left out, an object
// without a usable name or keys is named in `skipped`.
LedgerCiphertexts read_ledger_copies(const std::vector<nlohmann::json>& objects,
                                     std::vector<std::string>& skipped);

KeyExportPlan plan_key_export(const std::vector<nlohmann::json>& folders,
                              const LedgerCiphertexts& ledger);

// Multi-document YAML: one whole IpnsRepublish manifest per change (metadata without server
// fields, spec with keyEpoch + encryptedKey replaced). Empty when nothing changes.
std::string render_export_yaml(const KeyExportPlan& plan);
// One `kubectl patch ipnsrepublish NAME -n NS --type=merge -p '…'` line per change.
std::string render_export_patch(const KeyExportPlan& plan);
// A kustomization with one inline patch per change (kustomize `patches:` field).
std::string render_export_kustomize(const KeyExportPlan& plan);

// Every string double-quoted, so that no value (a CID, a sequence "5") changes type on reading.
std::string json_to_yaml(const nlohmann::json& value);

}  // namespace cbx::cli
