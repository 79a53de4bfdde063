#pragma once
// Binds the republish reconciler to the informer caches: reads the object and the TeeEpochs from
// the caches, checks that the object owns its IPNS name (controllers/republish/name_claims),
// picks the folder's signer (controllers/epoch/signer_choice), runs one cycle (one per name at a
// time), and turns "recheck at T" into a requeue.
#include <string>

#include "app/metrics.h"
#include "app/name_locks.h"
#include "app/signer_directory.h"
#include "controllers/republish/name_claims.h"
#include "controllers/republish/republish_reconciler.h"
#include "kube/informer.h"
#include "kube/manager.h"

namespace cbx::op {

class RepublishController {
 public:
  RepublishController(kube::Informer& republishes, kube::Informer& epochs, SignerDirectory& signers,
                      RepublishReconciler& reconciler, OperatorMetrics& metrics,
                      const NameClaims& claims);
  Result<kube::ReconcileOutcome> reconcile(const std::string& key);

 private:
  SigningTarget signing_target(const IpnsRepublish& obj);
  // The cycle for an object that owns its name, or the duplicate's verdict.
  Result<ReconcileResult> reconcile_owned(IpnsRepublish obj, SysTime now);

  kube::Informer& republishes_;
  kube::Informer& epochs_;
  SignerDirectory& signers_;
  RepublishReconciler& reconciler_;
  OperatorMetrics& metrics_;
  const NameClaims& claims_;
  NameLocks name_locks_;
};

}  // namespace cbx::op
