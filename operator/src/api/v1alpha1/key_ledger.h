#pragma once
// KeyLedger (republish.cipherbox.io/v1alpha1, namespaced, only in the operator's own namespace):
// every ciphertext of a folder key the operator obtained, per IPNS name and epoch, kept outside
// the IpnsRepublish so that deleting and re-applying a folder (GitOps prune, namespace move,
// restore without status) never strands a migrated key. One object per name; metadata.name is
// the name itself (base36 k51…, a valid DNS label). Only the operator writes it.
//
// parse_key_ledger is strict: an object it cannot fully read (wrong types, a list over its
// bound, two entries for one epoch, metadata.name not the spec's name) is an Error and none of
// it is trusted. The CRD schema refuses the same shapes at the API server; this is the second
// line for objects written around it (an older CRD, a restore).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"

namespace cbx::op {

namespace ledger_source {
inline constexpr char kSpec[] = "Spec";            // spec.encryptedKey as the user sealed it
inline constexpr char kMigrated[] = "Migrated";    // pre-rotation: /v1/rewrap on the old signer
inline constexpr char kRewrapped[] = "Rewrapped";  // lazy migration: /v1/sign's rewrapped key
}  // namespace ledger_source

// Bounds (the CRD's maxItems / maxLength say the same).
inline constexpr std::size_t kLedgerMaxKeys = 64;
inline constexpr std::size_t kLedgerMaxFolders = 64;
inline constexpr std::size_t kLedgerMaxKeyChars = 1024;      // eciesjs base64 of a seed: 172
inline constexpr std::size_t kLedgerMaxRecordChars = 16384;  // base64 of a ≤ 10 KiB record

struct LedgerKey {
  std::uint64_t epoch = 0;    // >= 1
  std::string encrypted_key;  // base64 eciesjs ciphertext, as IpnsRepublish spec.encryptedKey
  std::string source;         // ledger_source::*
  SysTime recorded_at{};
};

// A signed record a deleted folder had not published yet (issue 14 item 4): kept so that a
// re-created folder publishes it (or signs above its sequence), never a second record with the
// same sequence.
struct LedgerPendingRecord {
  std::uint64_t sequence = 0;
  std::string record;  // base64
  SysTime valid_until{};
  std::string folder;  // "namespace/name" it was signed for
};

struct KeyLedger {
  std::string name;  // metadata.name (== ipns_name once parsed)
  std::string resource_version;
  std::string ipns_name;
  std::vector<LedgerKey> keys;            // sorted by epoch, at most one per epoch
  std::vector<std::string> folders;       // "namespace/name" carrying the name, sorted, unique
  std::optional<SysTime> deleted_at;      // set when the last carrying IpnsRepublish went away
  std::optional<std::uint64_t> sequence;  // highest sequence a deleted folder had reserved
  std::optional<LedgerPendingRecord> pending_record;

  const LedgerKey* key_for(std::uint64_t epoch) const;
};

// A name the ledger can be kept under: an IPNS name that is also a DNS label (k51…, lowercase
// letters and digits, ≤ 63 characters). Anything else gets no ledger (and never reaches a path).
bool valid_ledger_name(const std::string& ipns_name);

Result<KeyLedger> parse_key_ledger(const nlohmann::json& object);
nlohmann::json key_ledger_spec_to_json(const KeyLedger& ledger);
// The whole object for create/update (resourceVersion included when known).
nlohmann::json key_ledger_to_object(const KeyLedger& ledger, const std::string& ns);

}  // namespace cbx::op
