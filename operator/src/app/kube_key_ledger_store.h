#pragma once
// KeyLedger objects in the operator's own namespace (controllers/ledger/ledger_store.h): reads go
// to the API server (read-modify-write needs the current resourceVersion); cached() reads the
// informer's copy for the hot path (the republish controller's resume check).
#include <optional>
#include <string>
#include <vector>

#include "app/ledger_informer.h"
#include "controllers/ledger/ledger_store.h"
#include "kube/client.h"

namespace cbx::op {

class KubeKeyLedgerStore : public KeyLedgerStore {
 public:
  KubeKeyLedgerStore(kube::KubeClient& client, LedgerInformer& ledgers, std::string ns)
      : client_(client), ledgers_(ledgers), ns_(std::move(ns)) {}
  Result<std::optional<KeyLedger>> get(const std::string& ipns_name) override;
  Result<KeyLedger> put(const KeyLedger& ledger) override;
  Status remove(const KeyLedger& ledger) override;

  // The cached ledger of a name; nullopt when there is none or it cannot be read.
  std::optional<KeyLedger> cached(const std::string& ipns_name) const;
  // Whether the cached ledger of a name keeps a deleted folder's record (no full parse: asked on
  // every folder update).
  bool cached_has_pending_record(const std::string& ipns_name) const;
  // Every readable cached ledger (unreadable ones are left alone).
  std::vector<KeyLedger> all_cached() const;
  // Every ledger, from the cache or (fresh) listed from the API server; Error INVALID_LEDGER when
  // one cannot be read — for decisions that must know every key (retiring an epoch).
  Result<std::vector<KeyLedger>> list_all(bool fresh) const;
  const std::string& ns() const { return ns_; }

 private:
  kube::KubeClient& client_;
  LedgerInformer& ledgers_;
  std::string ns_;
};

}  // namespace cbx::op
