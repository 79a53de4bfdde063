#pragma once
// Binds the republish reconciler to the informer caches: reads the object and the TeeEpochs from
// the caches, picks the folder's signer (controllers/epoch/signer_choice), runs one cycle, and
// turns "recheck at T" into a requeue.
#include <string>

#include "app/metrics.h"
#include "app/signer_directory.h"
#include "controllers/republish/republish_reconciler.h"
#include "kube/informer.h"
#include "kube/manager.h"

namespace cbx::op {

class RepublishController {
 public:
  RepublishController(kube::Informer& republishes, kube::Informer& epochs, SignerDirectory& signers,
                      RepublishReconciler& reconciler, OperatorMetrics& metrics);
  Result<kube::ReconcileOutcome> reconcile(const std::string& key);

 private:
  SigningTarget signing_target(const IpnsRepublish& obj);

  kube::Informer& republishes_;
  kube::Informer& epochs_;
  SignerDirectory& signers_;
  RepublishReconciler& reconciler_;
  OperatorMetrics& metrics_;
};

}  // namespace cbx::op
