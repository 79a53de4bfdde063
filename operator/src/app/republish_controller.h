#pragma once
// Binds the republish reconciler to the informer caches: reads the object and the TeeEpochs from
// the caches, checks that the object owns its IPNS name (controllers/republish/name_claims),
// picks the folder's signer (controllers/epoch/signer_choice), starts one cycle (one per name at
// a time: the name's lock is held until the cycle's pipeline finished), and turns "recheck at T"
// into a requeue.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/key_ledger.h"
#include "api/v1alpha1/tee_epoch.h"
#include "app/folder_informer.h"
#include "app/metrics.h"
#include "app/name_locks.h"
#include "app/own_writes.h"
#include "controllers/republish/name_claims.h"
#include "controllers/republish/republish_reconciler.h"
#include "controllers/republish/signer_port.h"
#include "kube/informer.h"
#include "kube/manager.h"

namespace cbx::op {

class RepublishController {
 public:
  RepublishController(FolderInformer& republishes, kube::Informer& epochs, SignerPool& signers,
                      RepublishReconciler& reconciler, OperatorMetrics& metrics,
                      const NameClaims& claims);
  // Starts the key's cycle; done hears its outcome once the pipeline finished.
  void start(const std::string& key, kube::ReconcileDone done);
  // One cycle per IPNS name at a time; the read-back takes the same locks.
  NameLocks& name_locks() { return name_locks_; }
  // The cached KeyLedger of a name (nullopt: none): a folder resumes from it (issue 14).
  // The status writes of this process (app/own_writes.h): a folder cached at a version one of
  // them replaced is reconciled again when the cache caught up, not from the stale copy.
  void set_own_writes(OwnWrites* writes) { own_writes_ = writes; }
  void set_ledger_lookup(std::function<std::optional<KeyLedger>(const std::string&)> lookup) {
    ledger_lookup_ = std::move(lookup);
  }

 private:
  std::vector<TeeEpoch> cached_epochs() const;
  SigningTarget signing_target(const IpnsRepublish& obj);
  // The cycle for an object that owns its name, or the duplicate's verdict.
  void start_owned(IpnsRepublish obj, SysTime now, ReconcileDone done);

  FolderInformer& republishes_;
  kube::Informer& epochs_;
  SignerPool& signers_;
  RepublishReconciler& reconciler_;
  OperatorMetrics& metrics_;
  const NameClaims& claims_;
  NameLocks name_locks_;
  std::function<std::optional<KeyLedger>(const std::string&)> ledger_lookup_;
  OwnWrites* own_writes_ = nullptr;
};

}  // namespace cbx::op
