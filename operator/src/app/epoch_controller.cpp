#include "app/epoch_controller.h"

#include "cbx/base/log.h"

namespace cbx::op {

EpochController::EpochController(kube::KubeClient& client, kube::Informer& epochs,
                                 FolderInformer& republishes, SignerDirectory& signers,
                                 kube::EventRecorder& events, OperatorMetrics& metrics,
                                 EpochControllerOptions options)
    : epochs_(epochs),
      options_(std::move(options)),
      epoch_writer_(client),
      folder_key_writer_(client),
      folder_reader_(client, republishes, options_.ledger_namespace, options_.ledgers != nullptr),
      signer_pool_(signers),
      events_(events),
      metrics_(metrics),
      reconciler_({epoch_writer_, folder_key_writer_, folder_reader_, index_, signer_pool_, events_,
                   metrics_, clock_, options_.ledger_writer},
                  options_.reconciler) {
  feed_folder_index(republishes, options_.ledgers, index_);
}

Result<kube::ReconcileOutcome> EpochController::reconcile(const std::string&) {
  std::vector<TeeEpoch> epochs;
  for (const auto& object : epochs_.store().list()) {
    auto e = parse_tee_epoch(object);
    if (!e) {
      log::warn("invalid TeeEpoch", {{"error", e.error().message}});
      continue;
    }
    epochs.push_back(std::move(*e));
  }
  auto pass = reconciler_.reconcile(std::move(epochs));
  if (!pass) return pass.error();
  kube::ReconcileOutcome outcome;
  outcome.requeue_after = std::chrono::duration_cast<kube::Duration>(options_.resync);
  if (pass->rewrap_again_in) {
    outcome.requeue_after = std::min(
        *outcome.requeue_after, std::chrono::duration_cast<kube::Duration>(*pass->rewrap_again_in));
  }
  return outcome;
}

}  // namespace cbx::op
