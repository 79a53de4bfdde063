#pragma once
// Where KeyLedger objects live (the real one: app/kube_key_ledger_store.h, the operator's own
// namespace in kube-apiserver; unit tests: in memory).
#include <optional>
#include <string>

#include "api/v1alpha1/key_ledger.h"
#include "cbx/base/result.h"

namespace cbx::op {

class KeyLedgerStore {
 public:
  virtual ~KeyLedgerStore() = default;
  // nullopt: no ledger for the name. Error INVALID_LEDGER: an object exists that cannot be read
  // (it is then neither trusted nor overwritten).
  virtual Result<std::optional<KeyLedger>> get(const std::string& ipns_name) = 0;
  // Creates (empty resource_version) or replaces it with resource_version as precondition
  // (CONFLICT when someone wrote first, ALREADY_EXISTS when a create lost a race).
  virtual Result<KeyLedger> put(const KeyLedger& ledger) = 0;
  virtual Status remove(const KeyLedger& ledger) = 0;
};

}  // namespace cbx::op
