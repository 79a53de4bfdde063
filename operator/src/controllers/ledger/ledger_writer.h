#pragma once
// Read-modify-write of one name's KeyLedger: re-read and retry on a conflict, write nothing when
// the change changes nothing, never overwrite an object that cannot be read.
#include <functional>
#include <optional>
#include <string>

#include "controllers/ledger/ledger_store.h"
#include "controllers/ledger/ledger_update.h"

namespace cbx::op {

class KeyLedgerWriter {
 public:
  explicit KeyLedgerWriter(KeyLedgerStore& store, int attempts = 5)
      : store_(store), attempts_(attempts) {}

  // change: edits the ledger (a fresh one when none exists) and returns whether it changed it.
  // Returns whether a write happened. cached: what a cache holds (nullopt inside: no ledger), used
  // instead of the first read; the write's precondition (create: none exists; replace: the
  // resourceVersion) catches a stale cache, and the retries read from the API server.
  Result<bool> update(const std::string& ipns_name, const std::function<bool(KeyLedger&)>& change,
                      std::optional<std::optional<KeyLedger>> cached = std::nullopt);

  // Records a ciphertext of the name's key before anything else holds it (write-ahead).
  Result<bool> record(const std::string& ipns_name, const EncryptedKeyRef& key,
                      const std::string& source, SysTime now);

 private:
  KeyLedgerStore& store_;
  int attempts_;
};

}  // namespace cbx::op
