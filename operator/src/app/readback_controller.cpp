#include "app/readback_controller.h"

#include <algorithm>

namespace cbx::op {

ReadBackController::ReadBackController(FolderInformer& republishes, ReadBackChecker& checker,
                                       NameLocks& name_locks)
    : republishes_(republishes), checker_(checker), name_locks_(name_locks) {}

Result<kube::ReconcileOutcome> ReadBackController::reconcile(const std::string& key) {
  auto obj = republishes_.store().get_shared(key);
  if (!obj || obj->invalid_spec) return kube::ReconcileOutcome{};
  auto name_lock = name_locks_.lock(obj->spec.ipns_name);
  obj = republishes_.store().get_shared(key);  // as the cycle that held the name left it
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
