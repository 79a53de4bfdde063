#pragma once
// A (re-)created folder resumes from the key ledger (issue 14 item 1, pure): when the ledger
// holds a ciphertext of the folder's key on a newer usable epoch than the folder's own (spec or
// status.migratedKey) — e.g. its manifest was re-applied from git with the epoch-1 key after a
// pre-rotation to epoch 2 and the epoch-1 CVM is gone — that key becomes status.migratedKey, as
// if the operator had just migrated it. A fresh status (no sequence yet) also takes the ledger's
// reserved sequence and its unpublished record (item 4), so the record is published, or a new
// one signed above it, and no sequence ever carries two records.
//
// Nothing from the ledger is trusted blindly: it must be the folder's name, a key only counts on
// an epoch that exists, is usable and neither Failed nor Retired (and the signer still checks
// that the key it decrypts derives the name), a pending record only counts when it is a valid
// record of the name's key with the sequence the ledger states.
#include <optional>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "api/v1alpha1/key_ledger.h"
#include "api/v1alpha1/tee_epoch.h"

namespace cbx::op {

struct Resumption {
  std::optional<EncryptedKeyRef> key;     // becomes status.migratedKey
  std::optional<std::uint64_t> sequence;  // becomes status.sequence (fresh status only)
  std::optional<PendingRecord> pending;   // becomes status.pending (fresh status only)
  bool empty() const { return !key && !sequence && !pending; }
};

Resumption plan_resumption(const IpnsRepublish& obj, const KeyLedger& ledger,
                           const std::vector<TeeEpoch>& epochs, SysTime now);

// The status obj gets from the resumption (the key through adopt_migrated_key,
// controllers/folder_key.h).
IpnsRepublishStatus apply_resumption(const IpnsRepublish& obj, const Resumption& resumption);

}  // namespace cbx::op
