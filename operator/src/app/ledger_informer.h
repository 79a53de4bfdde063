#pragma once
// The typed cache of KeyLedger objects (issue 13). There is one ledger per folder name, so they
// are as many as the folders: each watch event is decoded once into what the ledger's readers
// use. Kept as nlohmann::json a one-key ledger took 3.2 KB (945 B of text); decoded, 0.8 KB.
#include <optional>
#include <string>

#include "api/v1alpha1/key_ledger.h"
#include "controllers/epoch/decommission.h"
#include "kube/manager.h"

namespace cbx::op {

struct CachedLedger {
  std::string ns;
  std::string name;
  std::string resource_version;
  std::optional<KeyLedger> ledger;  // nullopt: the ledger's codec refuses the object
  std::string error;                // why it was refused
  LedgerKeyCopies copies;           // its key epochs, read leniently (retirement checks)
  bool has_pending_record = false;  // spec.pendingRecord is there, readable or not

  std::string key() const { return ns + "/" + name; }
};

// Never throws, whatever the object holds.
CachedLedger decode_cached_ledger(const nlohmann::json& object);

using LedgerInformer = kube::BasicInformer<CachedLedger>;

// KeyLedgers live in the operator's own namespace only.
LedgerInformer& add_ledger_informer(kube::Manager& manager, const std::string& ns);

}  // namespace cbx::op
