#pragma once
// What the epoch reconciler reads of the IpnsRepublish and KeyLedger objects, kept up to date
// from the informers' deltas (add, update, delete; a re-list arrives as deltas too) instead of
// parsing every folder on every pass: per epoch the folders whose effective key is on it, the
// folder gauges, and each name's key copies grouped by their value, so that a pass costs
// O(epochs + distinct copy sets), not O(folders). Thread-safe: the informer thread writes, the
// epoch worker reads.
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"
#include "controllers/epoch/decommission.h"
#include "controllers/epoch/ports.h"

namespace cbx::op {

// One IpnsRepublish as the index keeps it.
struct IndexedFolder {
  FolderKeyCopies copies;  // read leniently (retirement counts refused objects too)
  // The rest only for objects the strict parser accepts (copies.parsed): others are never
  // signed, so they are neither entries nor migrated.
  std::uint64_t effective_epoch = 0;
  std::uint64_t key_fingerprint = 0;  // of the effective ciphertext (see rewrap_id)
  bool pending = false;
  bool stalled = false;
  std::optional<SysTime> next_republish_at;
  std::optional<SysTime> valid_until;
};

// folder key "namespace/name" + the effective key's epoch and a fingerprint of its ciphertext:
// a re-sealed or migrated folder is another attempt for pre-rotation.
std::string rewrap_id(const std::string& folder_key, const EncryptedKeyRef& key);
std::uint64_t key_fingerprint(const std::string& encrypted_key);

IndexedFolder index_entry(const nlohmann::json& object);
IndexedFolder index_entry(const IpnsRepublish& obj);

class FolderIndex {
 public:
  void upsert(const std::string& key, IndexedFolder folder);
  void remove(const std::string& key);
  // KeyLedger objects (key: namespace/name of the object).
  void upsert_ledger(const std::string& key, LedgerKeyCopies copies);
  void remove_ledger(const std::string& key);

  // Folders (strictly parsed) per effective epoch.
  std::map<std::uint64_t, std::int64_t> entries() const;
  // pending, stalled, due at `now` and the earliest validUntil per epoch (entries_per_epoch is
  // left to the caller: it shows phases' entries).
  FolderCounts counts(SysTime now) const;
  // As compute_needs over every folder and ledger copy (decommission.h).
  EpochNeeds needs(const std::set<std::uint64_t>& live) const;
  // Keys of the (strictly parsed) folders whose effective key is on `epoch`, sorted.
  std::vector<std::string> folders_on(std::uint64_t epoch) const;
  // (key, rewrap_id) of the folders folders_on(epoch) lists.
  std::vector<std::pair<std::string, std::string>> rewrap_ids_on(std::uint64_t epoch) const;
  // The folder's current rewrap_id; nullopt when it is gone or not strictly parsed.
  std::optional<std::string> rewrap_id_of(const std::string& key) const;
  std::size_t size() const;

 private:
  // Compact records (the index lives as long as the process and holds every folder): the name
  // is the key of its group, the keys of folders_ and ledgers_ are pointed to, not copied (node
  // keys of unordered_map stay where they are).
  struct Group;
  using GroupEntry = std::pair<const std::string, Group>;
  struct StoredFolder {
    GroupEntry* group = nullptr;
    std::uint64_t effective_epoch = 0;
    std::uint64_t key_fingerprint = 0;
    std::optional<std::uint64_t> spec_epoch;
    std::optional<std::uint64_t> migrated_epoch;
    std::optional<std::uint64_t> pending_epoch;
    std::optional<SysTime> next_republish_at;
    std::optional<SysTime> valid_until;
    bool parsed = true;
    bool readable = true;
    bool pending = false;
    bool stalled = false;
  };
  struct StoredLedger {
    GroupEntry* group = nullptr;
    std::vector<std::uint64_t> epochs;
    bool readable = true;
  };
  // A name's group: the folders and ledgers holding its key (an unnamed object is its own group).
  struct Group {
    std::vector<const std::string*> folders;  // keys in folders_
    std::vector<const std::string*> ledgers;  // keys in ledgers_
    const NameCopies* copies = nullptr;       // key in copies_count_ (nullptr: not counted yet)
  };
  struct KeyLess {
    bool operator()(const std::string* a, const std::string* b) const { return *a < *b; }
  };

  static FolderKeyCopies copies_of(const StoredFolder& folder);
  void account(const std::string& key, const StoredFolder& folder, std::int64_t sign);
  GroupEntry* join(const std::string& group, std::vector<const std::string*> Group::*members,
                   const std::string* key);
  void leave(GroupEntry* group, std::vector<const std::string*> Group::*members,
             const std::string* key);
  void regroup(GroupEntry* group);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, StoredFolder> folders_;
  std::unordered_map<std::string, StoredLedger> ledgers_;
  // Parsed folders.
  std::map<std::uint64_t, std::set<const std::string*, KeyLess>> keys_on_;
  std::int64_t pending_ = 0;
  std::int64_t stalled_ = 0;
  std::int64_t undated_ = 0;  // no nextRepublishAt: always due
  std::multiset<SysTime> next_republish_;
  std::map<std::uint64_t, std::multiset<SysTime>> valid_until_;
  // Every folder (decommission).
  EpochNeeds counted_;  // spec_entries, effective, unparsed
  std::unordered_map<std::string, Group> groups_;
  std::map<NameCopies, std::int64_t> copies_count_;  // names per distinct copy set
};

}  // namespace cbx::op
