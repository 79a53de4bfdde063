#pragma once
// When may an old epoch be Retired, and its signer's CVM be shut down? (issue 14, DESIGN §6,
// invariant 5). A folder's key exists as ciphertexts sealed to epochs: spec.encryptedKey (the
// GitOps source of truth, survives delete + re-apply), status.migratedKey (lost with the object),
// and the key ledger's copies (outlive the object). A folder NEEDS an epoch while it holds a copy
// there and no DURABLE copy (spec or ledger) on a live epoch; an epoch is needed as well by a
// signed, unpublished record made with it (status.pending, published and audited as that epoch's).
// An object whose key epochs cannot be read at all needs every epoch (nothing is known to be safe).
// Pure: the epoch controller gathers the inputs and writes the outcome.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/v1alpha1/tee_epoch.h"

namespace cbx::op {

// One IpnsRepublish as far as its key copies go, read leniently: an object the strict parser
// refuses (parsed = false) still counts with whatever epochs can be read.
struct FolderKeyCopies {
  std::string key;        // namespace/name, for messages
  std::string ipns_name;  // "" when unreadable (then no ledger copy can be matched to it)
  bool parsed = true;
  bool readable = true;  // false: a key field is there but cannot be read (needs every epoch)
  std::optional<std::uint64_t> spec_epoch;  // nullopt: no ciphertext in spec
  std::optional<std::uint64_t> migrated_epoch;
  std::optional<std::uint64_t> pending_epoch;  // status.keyEpoch while status.pending is held
};

// Never throws, whatever the object holds. parsed is the strict parser's verdict (run here, or
// given by a caller that parsed the object already).
FolderKeyCopies folder_key_copies(const nlohmann::json& object);
FolderKeyCopies folder_key_copies(const nlohmann::json& object, bool parsed);

// The key ledger's copies of one name (every epoch it holds a ciphertext for).
struct LedgerKeyCopies {
  std::string ipns_name;  // "" when unreadable
  std::set<std::uint64_t> epochs;
  bool readable = true;  // false: an object the ledger's codec refuses (needs every epoch)
};

struct EpochNeeds {
  std::map<std::uint64_t, std::int64_t> spec_entries;  // folders whose spec.keyEpoch is the epoch
  std::map<std::uint64_t, std::int64_t> needed;        // names (folders or ledger) needing it
  std::map<std::uint64_t, std::int64_t> effective;     // folders whose effective key is on it
  std::int64_t unknown = 0;   // objects whose key epochs cannot be read: they need every epoch
  std::int64_t unparsed = 0;  // objects the strict parser refused (counted above as far as read)

  std::int64_t needed_on(std::uint64_t epoch) const;
  std::int64_t spec_on(std::uint64_t epoch) const;
  std::int64_t effective_on(std::uint64_t epoch) const;
};

// Every copy of one name's key (its folders' and the ledger's), which is all that decides which
// epochs the name needs: names with equal copies need the same epochs (the FolderIndex keeps a
// count per distinct value instead of the names).
struct NameCopies {
  std::set<std::uint64_t> all;      // every epoch a ciphertext of the key is sealed to
  std::set<std::uint64_t> durable;  // spec and ledger: they survive delete + re-apply
  std::set<std::uint64_t> pending;  // epochs of signed, unpublished records
  bool unreadable = false;

  auto operator<=>(const NameCopies&) const = default;
  bool operator==(const NameCopies&) const = default;
};

void add_folder_copies(const FolderKeyCopies& folder, NameCopies& copies);
void add_ledger_copies(const LedgerKeyCopies& ledger, NameCopies& copies);
// Adds what `names` names with these copies need (needs.needed, needs.unknown).
void add_needs(const NameCopies& copies, const std::set<std::uint64_t>& live, EpochNeeds& needs,
               std::int64_t names = 1);
// Adds one folder to needs.spec_entries, needs.effective and needs.unparsed (sign -1 removes it).
void count_folder(const FolderKeyCopies& folder, EpochNeeds& needs, std::int64_t sign = 1);

// live: the epochs a key may stay on for good (Active, or a Ready epoch about to be).
EpochNeeds compute_needs(const std::vector<FolderKeyCopies>& folders,
                         const std::vector<LedgerKeyCopies>& ledger,
                         const std::set<std::uint64_t>& live);

// The live epochs after compute_phases: Active, or Pending but Ready (a held pre-rotation
// target: its key is verified).
std::set<std::uint64_t> live_epochs(const std::vector<TeeEpoch>& epochs,
                                    const std::vector<TeeEpochStatus>& statuses);

// True when nothing needs the epoch: it may be Retired once its grace period has passed.
// effective_entries: the controller's own count (max'ed with needs.effective).
bool retirable(std::uint64_t epoch, std::int64_t effective_entries, const EpochNeeds& needs);

// Applies the needs to the statuses compute_phases made (same order as epochs): an epoch that
// would become Retired while needed stays Superseded; safeToDecommission also requires that no
// epoch served by the same signer is needed (for a Failed epoch: that the epoch itself is not);
// status.specEntries and status.keysNeeded are filled in.
void apply_needs(const std::vector<TeeEpoch>& epochs, std::vector<TeeEpochStatus>& statuses,
                 const EpochNeeds& needs);

}  // namespace cbx::op
