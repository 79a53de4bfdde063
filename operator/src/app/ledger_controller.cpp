#include "app/ledger_controller.h"

#include <algorithm>

#include "cbx/base/log.h"
#include "kube/resource.h"

namespace cbx::op {
namespace {

SysTime system_now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

// What of an object the ledger cares about: a change of anything else needs no ledger pass.
std::string ledger_fingerprint(const IpnsRepublish& o) {
  std::string migrated;
  if (o.status.migrated_key) {
    migrated =
        std::to_string(o.status.migrated_key->epoch) + ":" + o.status.migrated_key->encrypted_key;
  }
  return o.uid + "|" + o.spec.ipns_name + "|" + std::to_string(o.spec.key_epoch) + "|" +
         o.spec.encrypted_key + "|" + migrated + "|" + (o.invalid_spec ? "invalid" : "");
}

}  // namespace

LedgerController::LedgerController(FolderInformer& republishes, KubeKeyLedgerStore& store,
                                   const NameClaims& claims, Nanos retention)
    : republishes_(republishes),
      store_(store),
      writer_(store),
      claims_(claims),
      retention_(retention) {}

void LedgerController::remember_deleted(const IpnsRepublish& last_known) {
  const auto* obj = &last_known;
  if (obj->invalid_spec || !valid_ledger_name(obj->spec.ipns_name)) return;
  if (!obj->status.sequence && !obj->status.pending) return;
  std::lock_guard lock(mutex_);
  auto& list = deleted_[obj->spec.ipns_name];
  if (list.size() < kLedgerMaxFolders) list.push_back(Deleted{obj->key(), obj->status});
}

void LedgerController::track(FolderInformer& republishes, kube::Controller& controller) {
  auto enqueue = [&controller](const IpnsRepublish& o) {
    const auto& name = o.spec.ipns_name;
    if (valid_ledger_name(name)) controller.queue().add(name);
  };
  republishes.add_handlers(
      {enqueue,
       [this, enqueue](const IpnsRepublish& old_object, const IpnsRepublish& object) {
         if (ledger_fingerprint(old_object) != ledger_fingerprint(object)) {
           enqueue(old_object);  // a changed name (re-created object) concerns both
           enqueue(object);
         } else if (store_.cached_has_pending_record(object.spec.ipns_name)) {
           enqueue(object);  // its sequence may have passed the kept record: forget it
         }
       },
       [this, enqueue](const IpnsRepublish& last_known) {
         remember_deleted(last_known);
         enqueue(last_known);
       }});
}

bool LedgerController::apply(KeyLedger& ledger, const std::vector<IpnsRepublish>& live,
                             const std::vector<Deleted>& deleted, SysTime now) const {
  auto owner = claims_.owner(ledger.ipns_name);
  std::vector<FolderView> views;
  for (const auto& obj : live) {
    views.push_back(FolderView{obj.key(),
                               EncryptedKeyRef{obj.spec.key_epoch, obj.spec.encrypted_key},
                               obj.status.migrated_key, owner && owner->key == obj.key()});
  }
  bool changed = observe_folders(ledger, views, now);
  for (const auto& d : deleted) changed |= keep_deleted_state(ledger, d.folder, d.status);
  for (const auto& obj : live) {
    // A live folder that reserved a sequence at or above the kept record has published it or
    // signed past it.
    if (obj.status.sequence) changed |= forget_pending(ledger, *obj.status.sequence);
  }
  return changed;
}

// The first `count` kept states of the name are in the ledger now; any that arrived meanwhile stay.
void LedgerController::forget_deleted(const std::string& name, std::size_t count) {
  std::lock_guard lock(mutex_);
  auto it = deleted_.find(name);
  if (it == deleted_.end()) return;
  auto& list = it->second;
  list.erase(list.begin(),
             list.begin() + static_cast<std::ptrdiff_t>(std::min(count, list.size())));
  if (list.empty()) deleted_.erase(it);
}

Result<kube::ReconcileOutcome> LedgerController::reconcile(const std::string& key) {
  if (key == kSweepKey) return sweep();
  if (!valid_ledger_name(key)) return kube::ReconcileOutcome{};
  std::vector<IpnsRepublish> live;
  for (const auto& folder : claims_.claimants(key)) {
    auto obj = republishes_.store().get_shared(folder);
    if (obj && !obj->invalid_spec && obj->spec.ipns_name == key) live.push_back(*obj);
  }
  std::vector<Deleted> deleted;
  {
    std::lock_guard lock(mutex_);
    if (auto it = deleted_.find(key); it != deleted_.end()) deleted = it->second;
  }
  auto now = system_now();
  // The cache first: most passes change nothing and need no request.
  auto cached = store_.cached(key);
  if (cached) {
    auto unchanged = *cached;
    if (!apply(unchanged, live, deleted, now)) {
      forget_deleted(key, deleted.size());
      return kube::ReconcileOutcome{};
    }
  }
  // The cached state is the first attempt's read (a new folder's ledger is created without a
  // GET that answers 404 first).
  auto written = writer_.update(
      key,
      [&](KeyLedger& l) {
        // No ledger, no folder, nothing kept from a deleted one: nothing to record (and a ledger
        // the retention sweep just removed is not brought back).
        if (l.resource_version.empty() && live.empty() && deleted.empty()) return false;
        return apply(l, live, deleted, now);
      },
      std::optional<std::optional<KeyLedger>>(std::move(cached)));
  if (!written) {
    if (written.error().code == "INVALID_LEDGER") {
      log::warn("KeyLedger unreadable: left as it is",
                {{"name", key}, {"error", written.error().message}});
      return kube::ReconcileOutcome{};
    }
    return written.error();  // retried with backoff
  }
  forget_deleted(key, deleted.size());
  if (*written) log::info("key ledger updated", {{"name", key}, {"folders", live.size()}});
  return kube::ReconcileOutcome{};
}

Result<kube::ReconcileOutcome> LedgerController::sweep() {
  auto now = system_now();
  std::size_t removed = 0;
  for (const auto& ledger : store_.all_cached()) {
    if (!ledger_expired(ledger, now, retention_) || !claims_.claimants(ledger.ipns_name).empty())
      continue;
    auto done = store_.remove(ledger);
    if (!done && done.error().code != "NOT_FOUND") {
      log::warn("expired KeyLedger not removed",
                {{"name", ledger.ipns_name}, {"error", done.error().message}});
      continue;
    }
    ++removed;
  }
  if (removed > 0) log::info("expired key ledgers removed", {{"count", removed}});
  kube::ReconcileOutcome outcome;
  outcome.requeue_after = std::chrono::duration_cast<kube::Duration>(
      std::clamp<Nanos>(retention_ / 10, std::chrono::seconds(1), std::chrono::hours(1)));
  return outcome;
}

}  // namespace cbx::op
