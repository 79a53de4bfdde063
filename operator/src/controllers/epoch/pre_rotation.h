#pragma once
// Pre-rotation (DESIGN §6): when the newest Ready epoch lives on a signer whose keys differ from an
// older epoch's signer that still has folders, those keys must be re-encrypted by the OLD signer
// (/v1/rewrap with the new epoch's approval) before the old CVM goes away. The new epoch is held
// back from Active until no folder depends on such an older epoch any more (migrated eagerly, or
// re-sealed by the owner when no approval exists). Pure: the epoch controller acts on the plan.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/v1alpha1/tee_epoch.h"

namespace cbx::op {

namespace migrated {
inline constexpr char kCondition[] = "Migrated";
}  // namespace migrated

// The signer identity an epoch is served by: the adopted one (status.signer) when known.
const std::string& signer_url_of(const TeeEpoch& epoch);
// The spec of that signer: spec.signer with the adopted URL (a new spec.signer.url whose keys
// differ is not adopted; the old one keeps serving the epoch).
SignerSpec serving_signer(const TeeEpoch& epoch);
// Ready and not Failed: the signer derives the recorded key.
bool epoch_usable(const TeeEpoch& epoch);

struct PreRotationPlan {
  std::uint64_t target = 0;            // newest usable, not retired epoch (0: none)
  std::vector<std::uint64_t> sources;  // older usable epochs on another signer, with folders
  std::int64_t remaining = 0;          // folders on the sources
  std::int64_t lazy = 0;               // folders on older epochs of the target's own signer
  bool hold = false;                   // target not promoted (Active) while sources remain
};

PreRotationPlan plan_pre_rotation(const std::vector<TeeEpoch>& epochs,
                                  const std::map<std::uint64_t, std::int64_t>& entries);

// True when the target epoch's Migrated condition says eager migration is impossible (no
// approval, or the old signer refused it): its folders get KeyCurrent=False/KeyMigrationRequired.
bool migration_refused(const TeeEpoch& target);

const TeeEpoch* find_epoch(const std::vector<TeeEpoch>& epochs, std::uint64_t epoch);

}  // namespace cbx::op
