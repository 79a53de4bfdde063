#include "app/republish_controller.h"

#include "cbx/base/log.h"
#include "controllers/epoch/epoch_phases.h"

namespace cbx::op {

RepublishController::RepublishController(kube::Informer& republishes, kube::Informer& epochs,
                                         SignerDirectory& signers, RepublishReconciler& reconciler,
                                         OperatorMetrics& metrics)
    : republishes_(republishes), epochs_(epochs), signers_(signers), reconciler_(reconciler),
      metrics_(metrics) {}

std::optional<ActiveEpoch> RepublishController::active_epoch() {
  std::vector<TeeEpoch> epochs;
  for (const auto& object : epochs_.store().list()) {
    if (auto e = parse_tee_epoch(object)) epochs.push_back(std::move(*e));
  }
  const TeeEpoch* active = op::active_epoch(epochs);
  if (!active) return std::nullopt;
  auto client = signers_.client_for(active->spec.signer);
  if (!client) {
    log::warn("active epoch's signer unusable", {{"epoch", active->spec.epoch},
                                                 {"error", client.error().message}});
    return std::nullopt;
  }
  return ActiveEpoch{active->spec.epoch, active->spec.signer.url};
}

Result<kube::ReconcileOutcome> RepublishController::reconcile(const std::string& key) {
  auto object = republishes_.store().get(key);
  if (!object) return kube::ReconcileOutcome{};  // deleted: nothing to keep alive
  auto obj = parse_ipns_republish(*object);
  if (!obj) {
    log::warn("invalid IpnsRepublish", {{"key", key}, {"error", obj.error().message}});
    return kube::ReconcileOutcome{};
  }
  auto started = std::chrono::steady_clock::now();
  auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  auto result = reconciler_.reconcile(std::move(*obj), active_epoch(), now);
  if (!result) return result.error();
  if (result->outcome != "NotDue" && result->outcome != "BackingOff" && result->outcome != "Suspended") {
    metrics_.republish_result(result->outcome,
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  kube::ReconcileOutcome outcome;
  if (result->requeue_at) {
    auto delay = *result->requeue_at - now;
    outcome.requeue_after = std::max<kube::Duration>(
        std::chrono::duration_cast<kube::Duration>(delay), std::chrono::seconds(1));
  }
  return outcome;
}

}  // namespace cbx::op
