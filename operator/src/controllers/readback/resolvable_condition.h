#pragma once
// Condition Resolvable: True when at least one routing endpoint was last found serving a
// record of the name (Verified) that stays valid for at least the margin.
#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"

namespace cbx::op {

namespace condition {
inline constexpr char kResolvable[] = "Resolvable";
}  // namespace condition

// Sets Resolvable in status.conditions from status.endpoints[].readBack; leaves it alone while
// no endpoint was read back yet.
void update_resolvable(IpnsRepublishStatus& status, std::int64_t generation, Nanos margin,
                       SysTime now);

// The latest validity any endpoint was last verified to serve (nullopt: none verified).
std::optional<SysTime> best_served_validity(const IpnsRepublishStatus& status);

}  // namespace cbx::op
