#pragma once
// The one owner of IpnsRepublish status.migratedKey and status.keyEpoch. Three paths move a
// folder's key to a newer epoch: the signer re-encrypting it while signing (lazy migration, the
// republish reconciler), pre-rotation's /v1/rewrap on the old signer (the epoch reconciler), and a
// re-created folder resuming from the key ledger. All of them go through adopt_migrated_key, so
// the rule is stated once: a ciphertext only becomes status.migratedKey when it is on a newer
// epoch than the key in use (effective_key), and status.keyEpoch then names that epoch. A late or
// replayed re-encryption to an older (or the same) epoch never replaces a newer key.
#include "api/v1alpha1/ipns_republish.h"

namespace cbx::op {

// Applies `key` to `status` (the status about to be written for obj). Returns false, leaving
// status as it was, when the key is not newer than the one obj would use with that status.
bool adopt_migrated_key(const IpnsRepublishSpec& spec, IpnsRepublishStatus& status,
                        const EncryptedKeyRef& key);

}  // namespace cbx::op
