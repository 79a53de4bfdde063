#include "controllers/ledger/ledger_update.h"

#include <algorithm>

namespace cbx::op {
namespace {

bool from_signer(const std::string& source) {
  return source == ledger_source::kMigrated || source == ledger_source::kRewrapped;
}

}  // namespace

KeyLedger new_key_ledger(const std::string& ipns_name) {
  KeyLedger ledger;
  ledger.name = ipns_name;
  ledger.ipns_name = ipns_name;
  return ledger;
}

bool record_key(KeyLedger& ledger, const EncryptedKeyRef& key, const std::string& source,
                SysTime now) {
  if (key.epoch == 0 || key.encrypted_key.empty() ||
      key.encrypted_key.size() > kLedgerMaxKeyChars) {
    return false;
  }
  auto it = std::find_if(ledger.keys.begin(), ledger.keys.end(),
                         [&](const LedgerKey& k) { return k.epoch == key.epoch; });
  if (it != ledger.keys.end()) {
    if (it->encrypted_key == key.encrypted_key) return false;
    if (!from_signer(source)) return false;  // never replace a recorded key by a manifest's
    *it = LedgerKey{key.epoch, key.encrypted_key, source, now};
    return true;
  }
  if (ledger.keys.size() >= kLedgerMaxKeys) {
    // Full: the oldest epoch goes (the newest are the ones a live signer can open).
    if (ledger.keys.front().epoch > key.epoch) return false;
    ledger.keys.erase(ledger.keys.begin());
  }
  ledger.keys.push_back(LedgerKey{key.epoch, key.encrypted_key, source, now});
  std::sort(ledger.keys.begin(), ledger.keys.end(),
            [](const LedgerKey& a, const LedgerKey& b) { return a.epoch < b.epoch; });
  return true;
}

bool observe_folders(KeyLedger& ledger, const std::vector<FolderView>& folders, SysTime now) {
  bool changed = false;
  std::vector<std::string> keys;
  for (const auto& f : folders) {
    keys.push_back(f.key);
    if (!f.owner) continue;
    changed |= record_key(ledger, f.spec_key, ledger_source::kSpec, now);
    if (f.migrated_key)
      changed |= record_key(ledger, *f.migrated_key, ledger_source::kMigrated, now);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.size() > kLedgerMaxFolders) keys.resize(kLedgerMaxFolders);
  if (keys != ledger.folders) {
    ledger.folders = std::move(keys);
    changed = true;
  }
  if (ledger.folders.empty() && !ledger.deleted_at) {
    ledger.deleted_at = now;
    changed = true;
  } else if (!ledger.folders.empty() && ledger.deleted_at) {
    ledger.deleted_at.reset();
    changed = true;
  }
  return changed;
}

bool keep_deleted_state(KeyLedger& ledger, const std::string& folder,
                        const IpnsRepublishStatus& last_status) {
  bool changed = false;
  std::uint64_t reserved = last_status.sequence.value_or(0);
  if (last_status.pending) reserved = std::max(reserved, last_status.pending->sequence);
  if (reserved > ledger.sequence.value_or(0)) {
    ledger.sequence = reserved;
    changed = true;
  }
  const auto& pending = last_status.pending;
  if (pending && pending->record.size() <= kLedgerMaxRecordChars &&
      (!ledger.pending_record || pending->sequence > ledger.pending_record->sequence)) {
    ledger.pending_record =
        LedgerPendingRecord{pending->sequence, pending->record, pending->valid_until, folder};
    changed = true;
  }
  return changed;
}

bool forget_pending(KeyLedger& ledger, std::uint64_t sequence) {
  if (!ledger.pending_record || ledger.pending_record->sequence > sequence) return false;
  ledger.pending_record.reset();
  return true;
}

bool ledger_expired(const KeyLedger& ledger, SysTime now, Nanos retention) {
  return ledger.folders.empty() && ledger.deleted_at && now - *ledger.deleted_at >= retention;
}

}  // namespace cbx::op
