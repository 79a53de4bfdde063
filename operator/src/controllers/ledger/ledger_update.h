#pragma once
// How the key ledger changes (pure; api/v1alpha1/key_ledger.h is the object). Every
// function returns whether it changed the ledger, so a writer writes only when something did.
//
// Which ciphertext wins for an epoch: one the operator got from a signer (Migrated, Rewrapped)
// replaces a Spec one (a tenant's manifest is not trusted to be decryptable); a Spec key only
// fills an epoch that has no entry; a signer's key replaces another signer's key only when it
// differs (the newest re-encryption of the same seed).
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "api/v1alpha1/key_ledger.h"
#include "cbx/base/duration.h"

namespace cbx::op {

inline constexpr Nanos kDefaultLedgerRetention = std::chrono::hours(24 * 30);

// A fresh ledger for a name (no keys yet).
KeyLedger new_key_ledger(const std::string& ipns_name);

bool record_key(KeyLedger& ledger, const EncryptedKeyRef& key, const std::string& source,
                SysTime now);

// What one live IpnsRepublish carrying the name shows.
struct FolderView {
  std::string key;  // "namespace/name"
  EncryptedKeyRef spec_key;
  std::optional<EncryptedKeyRef> migrated_key;  // status.migratedKey
  // Only the name's owner (controllers/republish/name_claims.h) adds keys: a duplicate in another
  // tenant's namespace only shows up in `folders`.
  bool owner = true;
};

// The live folders carrying the name (from the cache): records their keys, sets `folders`, and
// sets deletedAt when none is left (keeps the first deletion time), clears it when one is back.
bool observe_folders(KeyLedger& ledger, const std::vector<FolderView>& folders, SysTime now);

// A folder that was deleted while its status held a reserved sequence or a signed, unpublished
// record (issue 14 item 4): the ledger keeps both so that a re-created folder publishes that
// record or signs above it. A newer pending record replaces an older one.
bool keep_deleted_state(KeyLedger& ledger, const std::string& folder,
                        const IpnsRepublishStatus& last_status);

// The pending record a re-created folder has no more use for (published, or superseded by a
// higher sequence of its own).
bool forget_pending(KeyLedger& ledger, std::uint64_t published_or_reserved_sequence);

// True once the name's last folder was deleted more than `retention` ago: the whole ledger
// object may go.
bool ledger_expired(const KeyLedger& ledger, SysTime now, Nanos retention);

}  // namespace cbx::op
