#include "controllers/epoch/epoch_phases.h"

#include "controllers/epoch/pre_rotation.h"

namespace cbx::op {
namespace {

std::uint64_t highest_usable(const std::vector<TeeEpoch>& epochs,
                             const std::set<std::uint64_t>& held) {
  std::uint64_t best = 0;
  for (const auto& e : epochs) {
    if (epoch_usable(e) && e.status.phase != phase::kRetired && !held.contains(e.spec.epoch) &&
        e.spec.epoch > best) {
      best = e.spec.epoch;
    }
  }
  return best;
}

TeeEpochStatus next_status(const TeeEpoch& e, std::uint64_t active, std::int64_t entries,
                           SysTime now) {
  TeeEpochStatus st = e.status;
  st.entries = entries;
  auto seconds_now = std::chrono::floor<std::chrono::seconds>(now);
  if (st.phase == phase::kFailed || st.phase == phase::kRetired) return st;
  if (!epoch_usable(e)) {
    st.phase = phase::kPending;
    return st;
  }
  if (e.spec.epoch == active) {
    st.phase = phase::kActive;
    if (!st.activated_at) st.activated_at = seconds_now;
    st.superseded_at.reset();
    st.retire_after.reset();
    return st;
  }
  if (e.spec.epoch > active) {  // held back (pre-rotation) or nothing is active
    st.phase = phase::kPending;
    return st;
  }
  if (!st.superseded_at) st.superseded_at = seconds_now;
  st.retire_after =
      *st.superseded_at + std::chrono::duration_cast<std::chrono::seconds>(e.spec.grace_period);
  st.phase = (now >= *st.retire_after && entries == 0) ? phase::kRetired : phase::kSuperseded;
  return st;
}

// A signer is still needed while any epoch it serves is Active, Pending (about to be) or has
// folders; a Failed epoch's signer is never needed (nothing is sent to it).
bool signer_still_needed(const std::vector<TeeEpoch>& epochs,
                         const std::vector<TeeEpochStatus>& statuses, const std::string& url) {
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    if (signer_url_of(epochs[i]) != url || statuses[i].phase == phase::kFailed) continue;
    if (statuses[i].entries > 0 || statuses[i].phase == phase::kActive ||
        statuses[i].phase == phase::kPending) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<TeeEpochStatus> compute_phases(const std::vector<TeeEpoch>& epochs,
                                           const std::map<std::uint64_t, std::int64_t>& entries,
                                           SysTime now, const std::set<std::uint64_t>& held) {
  auto active = highest_usable(epochs, held);
  std::vector<TeeEpochStatus> out;
  out.reserve(epochs.size());
  for (const auto& e : epochs) {
    auto it = entries.find(e.spec.epoch);
    out.push_back(next_status(e, active, it == entries.end() ? 0 : it->second, now));
  }
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    auto& st = out[i];
    bool mine_done = st.entries == 0 && st.phase != phase::kActive && st.phase != phase::kPending;
    st.safe_to_decommission =
        mine_done &&
        (st.phase == phase::kFailed || !signer_still_needed(epochs, out, signer_url_of(epochs[i])));
  }
  return out;
}

const TeeEpoch* active_epoch(const std::vector<TeeEpoch>& epochs) {
  const TeeEpoch* best = nullptr;
  for (const auto& e : epochs) {
    if (e.status.phase == phase::kActive && (!best || e.spec.epoch > best->spec.epoch)) best = &e;
  }
  return best;
}

}  // namespace cbx::op
