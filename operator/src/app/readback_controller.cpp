#include "app/readback_controller.h"

#include <algorithm>

namespace cbx::op {

ReadBackController::ReadBackController(FolderInformer& republishes, ReadBackChecker& checker)
    : republishes_(republishes), checker_(checker) {}

Result<kube::ReconcileOutcome> ReadBackController::reconcile(const std::string& key) {
  auto obj = republishes_.store().get_shared(key);
  if (!obj || obj->invalid_spec) return kube::ReconcileOutcome{};
  auto now =
      std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  auto result = checker_.check(*obj, now);
  if (!result) {
    if (result.error().code == "NOT_FOUND") return kube::ReconcileOutcome{};
    return result.error();  // CONFLICT: the queue retries with the fresh object
  }
  kube::ReconcileOutcome outcome;
  if (result->next_at) {
    outcome.requeue_after =
        std::max<kube::Duration>(std::chrono::duration_cast<kube::Duration>(*result->next_at - now),
                                 std::chrono::seconds(1));
  }
  return outcome;
}

}  // namespace cbx::op
