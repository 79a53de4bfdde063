#pragma once
// Epoch lifecycle across all TeeEpochs (DESIGN §4, §6): the highest Ready epoch is Active; older
// Ready ones are Superseded and become Retired once retireAfter has passed and no folder depends
// on them (invariant 5). Failed is final. Pure: the controller writes what changed.
#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "api/v1alpha1/tee_epoch.h"
#include "cbx/base/duration.h"

namespace cbx::op {

// entries: number of IpnsRepublish whose effective key is on each epoch number.
// held: Ready epochs not promoted yet (pre-rotation under way, see pre_rotation.h); they stay
// Pending. safeToDecommission: no folder depends on the epoch and its signer serves no Active,
// Pending or depended-on epoch any more (the CVM may be shut down).
// Returns the new status of every epoch, in the order given.
std::vector<TeeEpochStatus> compute_phases(const std::vector<TeeEpoch>& epochs,
                                           const std::map<std::uint64_t, std::int64_t>& entries,
                                           SysTime now, const std::set<std::uint64_t>& held = {});

// The highest epoch whose phase is Active (after compute_phases), or nullptr.
const TeeEpoch* active_epoch(const std::vector<TeeEpoch>& epochs);

}  // namespace cbx::op
