#include "app/republish_controller.h"

#include "cbx/base/log.h"
#include "controllers/epoch/pre_rotation.h"
#include "controllers/epoch/signer_choice.h"
#include "controllers/ledger/ledger_resume.h"

namespace cbx::op {

RepublishController::RepublishController(FolderInformer& republishes, kube::Informer& epochs,
                                         SignerPool& signers, RepublishReconciler& reconciler,
                                         OperatorMetrics& metrics, const NameClaims& claims)
    : republishes_(republishes),
      epochs_(epochs),
      signers_(signers),
      reconciler_(reconciler),
      metrics_(metrics),
      claims_(claims) {}

std::vector<TeeEpoch> RepublishController::cached_epochs() const {
  std::vector<TeeEpoch> epochs;
  for (const auto& object : epochs_.store().list()) {
    if (auto e = parse_tee_epoch(object)) epochs.push_back(std::move(*e));
  }
  return epochs;
}

SigningTarget RepublishController::signing_target(const IpnsRepublish& obj) {
  auto epochs = cached_epochs();
  auto target = choose_signer(obj, epochs);
  if (!target.signer) return target;
  // Signed with the pool's handle for the serving epoch's signer spec.
  const TeeEpoch* epoch = find_epoch(epochs, target.signer->epoch);
  auto handle = epoch ? signers_.handle_for(serving_signer(*epoch))
                      : Result<SignerRef>(make_error("UNKNOWN", "no epoch"));
  if (!handle) {
    log::warn("signer unusable",
              {{"epoch", target.signer->epoch}, {"error", handle.error().message}});
    target.signer.reset();
    target.key = KeyState{false, Reason::kSignerUnavailable, handle.error().message};
    return target;
  }
  target.signer->handle = std::move(*handle);
  return target;
}

void RepublishController::start_owned(IpnsRepublish obj, SysTime now, ReconcileDone done) {
  auto owner = claims_.owner(obj.spec.ipns_name);
  if (owner && owner->key != obj.key()) {
    return done(reconciler_.reconcile_duplicate(std::move(obj), owner->key, now));
  }
  if (ledger_lookup_) {
    if (auto ledger = ledger_lookup_(obj.spec.ipns_name)) {
      auto resumption = plan_resumption(obj, *ledger, cached_epochs(), now);
      if (!resumption.empty()) {
        auto resumed = reconciler_.resume(std::move(obj), resumption);
        if (!resumed) return done(resumed.error());
        obj = std::move(*resumed);
      }
    }
  }
  auto target = signing_target(obj);
  reconciler_.start(std::move(obj), target, now, std::move(done));
}

void RepublishController::start(const std::string& key, kube::ReconcileDone done) {
  auto cached = republishes_.store().get_shared(key);
  if (!cached) return done(kube::ReconcileOutcome{});  // deleted: nothing to keep alive
  if (cached->invalid_spec) {
    log::warn("invalid IpnsRepublish", {{"key", key}, {"error", cached->invalid_spec->message}});
    return done(kube::ReconcileOutcome{});
  }
  std::optional<IpnsRepublish> obj = *cached;  // the cycle works on its own copy
  if (own_writes_ && own_writes_->superseded(key, obj->resource_version)) {
    // Our own newer write's event re-queues the key; the timer only guards a lost event.
    return done(kube::ReconcileOutcome{std::chrono::seconds(1)});
  }
  auto started = std::chrono::steady_clock::now();
  auto now =
      std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  // Held until the cycle finished, on whichever thread that is.
  auto name_lock = std::make_shared<std::optional<NameLocks::Guard>>();
  name_lock->emplace(name_locks_, obj->spec.ipns_name);
  start_owned(
      std::move(*obj), now,
      [this, name_lock, started, now, done = std::move(done)](Result<ReconcileResult> result) {
        name_lock->reset();
        if (!result) return done(result.error());
        if (result->outcome != "NotDue" && result->outcome != "BackingOff" &&
            result->outcome != "Suspended") {
          metrics_.republish_result(
              result->outcome,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        }
        kube::ReconcileOutcome outcome;
        if (result->requeue_at) {
          auto delay = *result->requeue_at - now;
          outcome.requeue_after = std::max<kube::Duration>(
              std::chrono::duration_cast<kube::Duration>(delay), std::chrono::seconds(1));
        }
        done(outcome);
      });
}

}  // namespace cbx::op
