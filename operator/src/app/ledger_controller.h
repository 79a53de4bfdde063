#pragma once
// Keeps each IPNS name's KeyLedger (controllers/ledger) in step with the IpnsRepublish cache, one
// work-queue key per name: records the owner's spec key and status.migratedKey, the folders that
// carry the name, deletedAt when the last one goes (with the reserved sequence and unpublished
// record it had: issue 14 item 4), and forgets that record once a folder carrying the name has
// reserved its sequence. A periodic sweep (key kSweepKey) deletes ledgers whose last folder was
// deleted more than the retention ago. Writes only when something changed.
//
// Migrated and rewrapped keys are also written ahead by their producers (the epoch controller's
// pre-rotation and the republish reconciler) before status holds them; this controller is the
// catch-up for everything else.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/folder_informer.h"
#include "app/kube_key_ledger_store.h"
#include "controllers/ledger/ledger_writer.h"
#include "controllers/republish/name_claims.h"
#include "kube/informer.h"
#include "kube/manager.h"

namespace cbx::op {

class LedgerController {
 public:
  static constexpr char kSweepKey[] = "*retention-sweep*";  // never an IPNS name
  LedgerController(FolderInformer& republishes, KubeKeyLedgerStore& store, const NameClaims& claims,
                   Nanos retention);

  // Registers the IpnsRepublish handlers that enqueue names (and keep the last status of deleted
  // folders until their ledger holds it). Call before the informer runs, after the name claims'.
  void track(FolderInformer& republishes, kube::Controller& controller);
  Result<kube::ReconcileOutcome> reconcile(const std::string& key);

 private:
  struct Deleted {
    std::string folder;
    IpnsRepublishStatus status;
  };
  Result<kube::ReconcileOutcome> sweep();
  bool apply(KeyLedger& ledger, const std::vector<IpnsRepublish>& live,
             const std::vector<Deleted>& deleted, SysTime now) const;
  void remember_deleted(const IpnsRepublish& last_known);
  void forget_deleted(const std::string& name, std::size_t count);

  FolderInformer& republishes_;
  KubeKeyLedgerStore& store_;
  KeyLedgerWriter writer_;
  const NameClaims& claims_;
  Nanos retention_;
  std::mutex mutex_;
  std::map<std::string, std::vector<Deleted>> deleted_;  // by IPNS name
};

}  // namespace cbx::op
