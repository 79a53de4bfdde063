#include "controllers/epoch/epoch_phases.h"

namespace cbx::op {
namespace {

bool usable(const TeeEpoch& e) {
  return e.status.phase != phase::kFailed && condition_is_true(e.status.conditions, "Ready");
}

std::uint64_t highest_usable(const std::vector<TeeEpoch>& epochs) {
  std::uint64_t best = 0;
  for (const auto& e : epochs) {
    if (usable(e) && e.status.phase != phase::kRetired && e.spec.epoch > best) best = e.spec.epoch;
  }
  return best;
}

TeeEpochStatus next_status(const TeeEpoch& e, std::uint64_t active, std::int64_t entries,
                           SysTime now) {
  TeeEpochStatus st = e.status;
  st.entries = entries;
  auto seconds_now = std::chrono::floor<std::chrono::seconds>(now);
  if (st.phase == phase::kFailed || st.phase == phase::kRetired) {
    st.safe_to_decommission = entries == 0;
    return st;
  }
  if (!usable(e)) {
    st.phase = phase::kPending;
    st.safe_to_decommission = false;
    return st;
  }
  if (e.spec.epoch == active) {
    st.phase = phase::kActive;
    if (!st.activated_at) st.activated_at = seconds_now;
    st.superseded_at.reset();
    st.retire_after.reset();
    st.safe_to_decommission = false;
    return st;
  }
  if (e.spec.epoch > active) {  // cannot happen: the highest usable one is active
    st.phase = phase::kPending;
    return st;
  }
  if (!st.superseded_at) st.superseded_at = seconds_now;
  st.retire_after = *st.superseded_at + std::chrono::duration_cast<std::chrono::seconds>(e.spec.grace_period);
  st.phase = (now >= *st.retire_after && entries == 0) ? phase::kRetired : phase::kSuperseded;
  st.safe_to_decommission = entries == 0;
  return st;
}

}  // namespace

std::vector<TeeEpochStatus> compute_phases(const std::vector<TeeEpoch>& epochs,
                                           const std::map<std::uint64_t, std::int64_t>& entries,
                                           SysTime now) {
  auto active = highest_usable(epochs);
  std::vector<TeeEpochStatus> out;
  out.reserve(epochs.size());
  for (const auto& e : epochs) {
    auto it = entries.find(e.spec.epoch);
    out.push_back(next_status(e, active, it == entries.end() ? 0 : it->second, now));
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
