#include "controllers/epoch/folder_index.h"

#include <functional>

namespace cbx::op {
namespace {

std::string id_of(const std::string& folder_key, std::uint64_t epoch, std::uint64_t fingerprint) {
  return folder_key + "@" + std::to_string(epoch) + "/" + std::to_string(fingerprint);
}

double unix_seconds(SysTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

template <class Map, class Key>
void erase_one(Map& map, const Key& key) {
  auto it = map.find(key);
  if (it != map.end()) map.erase(it);
}

}  // namespace

std::uint64_t key_fingerprint(const std::string& encrypted_key) {
  return std::hash<std::string>{}(encrypted_key);
}

std::string rewrap_id(const std::string& folder_key, const EncryptedKeyRef& key) {
  return id_of(folder_key, key.epoch, key_fingerprint(key.encrypted_key));
}

IndexedFolder index_entry(const IpnsRepublish& obj) {
  IndexedFolder out;
  auto key = effective_key(obj);
  out.effective_epoch = key.epoch;
  out.key_fingerprint = key_fingerprint(key.encrypted_key);
  out.pending = obj.status.pending.has_value();
  out.stalled = condition_is_true(obj.status.conditions, "Stalled");
  out.next_republish_at = obj.status.next_republish_at;
  out.valid_until = obj.status.valid_until;
  return out;
}

IndexedFolder index_entry(const nlohmann::json& object) {
  Result<IpnsRepublish> obj = make_error("INVALID_OBJECT", "unreadable");
  try {
    obj = parse_ipns_republish(object);
  } catch (const std::exception&) {  // e.g. metadata.generation of the wrong type
  }
  IndexedFolder out = obj ? index_entry(*obj) : IndexedFolder{};
  out.copies = folder_key_copies(object, obj.ok());
  return out;
}

namespace {

std::string group_of_folder(const std::string& key, const std::string& ipns_name) {
  return ipns_name.empty() ? "\x01"
                             "folder:" +
                                 key
                           : ipns_name;
}

std::string group_of_ledger(const std::string& key, const std::string& ipns_name) {
  return ipns_name.empty() ? "\x01"
                             "ledger:" +
                                 key
                           : ipns_name;
}

}  // namespace

FolderKeyCopies FolderIndex::copies_of(const StoredFolder& f) {
  FolderKeyCopies copies;
  copies.parsed = f.parsed;
  copies.readable = f.readable;
  copies.spec_epoch = f.spec_epoch;
  copies.migrated_epoch = f.migrated_epoch;
  copies.pending_epoch = f.pending_epoch;
  return copies;
}

FolderIndex::GroupEntry* FolderIndex::join(const std::string& group,
                                           std::vector<const std::string*> Group::*members,
                                           const std::string* key) {
  auto& entry = *groups_.try_emplace(group).first;
  (entry.second.*members).push_back(key);
  return &entry;
}

void FolderIndex::leave(GroupEntry* group, std::vector<const std::string*> Group::*members,
                        const std::string* key) {
  std::erase(group->second.*members, key);
}

// The group's copies are computed again from its members (a name has few) and its count moves
// from the old copy set to the new one.
void FolderIndex::regroup(GroupEntry* entry) {
  auto& group = entry->second;
  NameCopies copies;
  for (const auto* key : group.folders) add_folder_copies(copies_of(folders_.at(*key)), copies);
  for (const auto* key : group.ledgers) {
    const auto& l = ledgers_.at(*key);
    add_ledger_copies(LedgerKeyCopies{"", {l.epochs.begin(), l.epochs.end()}, l.readable}, copies);
  }
  if (group.copies) {
    auto old = copies_count_.find(*group.copies);
    if (--old->second == 0) copies_count_.erase(old);
    group.copies = nullptr;
  }
  if (group.folders.empty() && group.ledgers.empty()) {
    groups_.erase(groups_.find(entry->first));
    return;
  }
  auto counted = copies_count_.try_emplace(std::move(copies), 0).first;
  ++counted->second;
  group.copies = &counted->first;
}

void FolderIndex::account(const std::string& key, const StoredFolder& f, std::int64_t sign) {
  count_folder(copies_of(f), counted_, sign);
  if (!f.parsed) return;
  auto epoch = f.effective_epoch;
  if (sign > 0) {
    keys_on_[epoch].insert(&key);
  } else {
    auto on = keys_on_.find(epoch);
    if (on != keys_on_.end()) {
      on->second.erase(&key);
      if (on->second.empty()) keys_on_.erase(on);
    }
  }
  if (f.pending) pending_ += sign;
  if (f.stalled) stalled_ += sign;
  if (!f.next_republish_at) {
    undated_ += sign;
  } else if (sign > 0) {
    next_republish_.insert(*f.next_republish_at);
  } else {
    erase_one(next_republish_, *f.next_republish_at);
  }
  if (f.valid_until) {
    auto& times = valid_until_[epoch];
    if (sign > 0) {
      times.insert(*f.valid_until);
    } else {
      erase_one(times, *f.valid_until);
      if (times.empty()) valid_until_.erase(epoch);
    }
  }
}

void FolderIndex::upsert(const std::string& key, IndexedFolder folder) {
  std::lock_guard lock(mutex_);
  auto [it, added] = folders_.try_emplace(key);
  const std::string& stored_key = it->first;
  StoredFolder& stored = it->second;
  GroupEntry* old_group = nullptr;
  if (!added) {
    account(stored_key, stored, -1);
    old_group = stored.group;
    leave(old_group, &Group::folders, &stored_key);
  }
  const auto& c = folder.copies;
  stored = StoredFolder{nullptr,
                        folder.effective_epoch,
                        folder.key_fingerprint,
                        c.spec_epoch,
                        c.migrated_epoch,
                        c.pending_epoch,
                        folder.next_republish_at,
                        folder.valid_until,
                        c.parsed,
                        c.readable,
                        folder.pending,
                        folder.stalled};
  account(stored_key, stored, +1);
  stored.group = join(group_of_folder(stored_key, c.ipns_name), &Group::folders, &stored_key);
  if (old_group && old_group != stored.group) regroup(old_group);
  regroup(stored.group);
}

void FolderIndex::remove(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = folders_.find(key);
  if (it == folders_.end()) return;
  account(it->first, it->second, -1);
  auto* group = it->second.group;
  leave(group, &Group::folders, &it->first);
  folders_.erase(it);
  regroup(group);
}

void FolderIndex::upsert_ledger(const std::string& key, LedgerKeyCopies copies) {
  std::lock_guard lock(mutex_);
  auto [it, added] = ledgers_.try_emplace(key);
  const std::string& stored_key = it->first;
  StoredLedger& stored = it->second;
  GroupEntry* old_group = nullptr;
  if (!added) {
    old_group = stored.group;
    leave(old_group, &Group::ledgers, &stored_key);
  }
  stored.epochs.assign(copies.epochs.begin(), copies.epochs.end());
  stored.readable = copies.readable;
  stored.group = join(group_of_ledger(stored_key, copies.ipns_name), &Group::ledgers, &stored_key);
  if (old_group && old_group != stored.group) regroup(old_group);
  regroup(stored.group);
}

void FolderIndex::remove_ledger(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = ledgers_.find(key);
  if (it == ledgers_.end()) return;
  auto* group = it->second.group;
  leave(group, &Group::ledgers, &it->first);
  ledgers_.erase(it);
  regroup(group);
}

std::map<std::uint64_t, std::int64_t> FolderIndex::entries() const {
  std::lock_guard lock(mutex_);
  std::map<std::uint64_t, std::int64_t> out;
  for (const auto& [epoch, keys] : keys_on_) out[epoch] = static_cast<std::int64_t>(keys.size());
  return out;
}

FolderCounts FolderIndex::counts(SysTime now) const {
  std::lock_guard lock(mutex_);
  FolderCounts out;
  out.pending = pending_;
  out.stalled = stalled_;
  // O(due folders): between cycles hardly any are.
  out.due = undated_ + static_cast<std::int64_t>(std::distance(next_republish_.begin(),
                                                               next_republish_.upper_bound(now)));
  for (const auto& [epoch, times] : valid_until_) {
    out.earliest_valid_until_per_epoch[epoch] = unix_seconds(*times.begin());
  }
  return out;
}

EpochNeeds FolderIndex::needs(const std::set<std::uint64_t>& live) const {
  std::lock_guard lock(mutex_);
  EpochNeeds out = counted_;
  for (const auto& [copies, names] : copies_count_) add_needs(copies, live, out, names);
  return out;
}

std::vector<std::string> FolderIndex::folders_on(std::uint64_t epoch) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  auto it = keys_on_.find(epoch);
  if (it == keys_on_.end()) return out;
  for (const auto* key : it->second) out.push_back(*key);
  return out;
}

std::vector<std::pair<std::string, std::string>> FolderIndex::rewrap_ids_on(
    std::uint64_t epoch) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::string>> out;
  auto it = keys_on_.find(epoch);
  if (it == keys_on_.end()) return out;
  out.reserve(it->second.size());
  for (const auto* key : it->second) {
    out.emplace_back(*key, id_of(*key, epoch, folders_.at(*key).key_fingerprint));
  }
  return out;
}

std::optional<std::string> FolderIndex::rewrap_id_of(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = folders_.find(key);
  if (it == folders_.end() || !it->second.parsed) return std::nullopt;
  return id_of(key, it->second.effective_epoch, it->second.key_fingerprint);
}

std::size_t FolderIndex::size() const {
  std::lock_guard lock(mutex_);
  return folders_.size();
}

}  // namespace cbx::op
