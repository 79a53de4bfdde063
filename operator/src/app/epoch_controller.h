#pragma once
// Wires the epoch reconciler (controllers/epoch/epoch_reconciler.h) into the operator: its ports
// on the Kubernetes API, the signer directory and the metrics (app/epoch_ports.h), the FolderIndex
// fed by the IpnsRepublish and KeyLedger informers, and one work-queue key ("all") that runs a
// pass over every TeeEpoch, on epoch changes and every `resync`.
#include <chrono>
#include <string>

#include "app/epoch_ports.h"
#include "app/ledger_informer.h"
#include "app/metrics.h"
#include "app/signer_directory.h"
#include "controllers/epoch/epoch_reconciler.h"
#include "controllers/epoch/folder_index.h"
#include "controllers/ledger/ledger_writer.h"
#include "kube/client.h"
#include "kube/events.h"
#include "kube/informer.h"
#include "kube/manager.h"

namespace cbx::op {

struct EpochControllerOptions {
  EpochReconcilerOptions reconciler;
  std::chrono::milliseconds resync{15000};  // requeue period of the "all" key
  KeyLedgerWriter* ledger_writer = nullptr;
  // The KeyLedger informer (retirement counts the ledger's copies, decommission.h) and the
  // namespace its objects live in; nullptr: no ledger.
  LedgerInformer* ledgers = nullptr;
  std::string ledger_namespace;
};

class EpochController {
 public:
  static constexpr char kKey[] = "all";
  // Registers the FolderIndex feed on the informers: construct before they run.
  EpochController(kube::KubeClient& client, kube::Informer& epochs, FolderInformer& republishes,
                  SignerDirectory& signers, kube::EventRecorder& events, OperatorMetrics& metrics,
                  EpochControllerOptions options = {});
  Result<kube::ReconcileOutcome> reconcile(const std::string& key);

 private:
  kube::Informer& epochs_;
  EpochControllerOptions options_;
  FolderIndex index_;
  KubeTeeEpochWriter epoch_writer_;
  KubeFolderKeyWriter folder_key_writer_;
  KubeFolderReader folder_reader_;
  DirectorySignerPool signer_pool_;
  KubeEpochEvents events_;
  PrometheusEpochMetrics metrics_;
  SystemEpochClock clock_;
  EpochReconciler reconciler_;
};

}  // namespace cbx::op
