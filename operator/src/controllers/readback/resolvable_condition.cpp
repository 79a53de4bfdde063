#include "controllers/readback/resolvable_condition.h"

#include "api/v1alpha1/conditions.h"
#include "controllers/readback/readback_verdict.h"

namespace cbx::op {

std::optional<SysTime> best_served_validity(const IpnsRepublishStatus& status) {
  std::optional<SysTime> best;
  for (const auto& e : status.endpoints) {
    const auto& rb = e.read_back;
    if (!rb || rb->result != readback::kVerified || !rb->verified_valid_until) continue;
    if (!best || *rb->verified_valid_until > *best) best = rb->verified_valid_until;
  }
  return best;
}

void update_resolvable(IpnsRepublishStatus& status, std::int64_t generation, Nanos margin,
                       SysTime now) {
  int checked = 0, serving = 0, long_enough = 0;
  for (const auto& e : status.endpoints) {
    const auto& rb = e.read_back;
    if (!rb) continue;
    ++checked;
    if (rb->result != readback::kVerified || !rb->verified_valid_until) continue;
    ++serving;
    if (*rb->verified_valid_until - now >= margin) ++long_enough;
  }
  if (checked == 0) return;
  auto counts = std::to_string(checked) + " endpoint(s) read back";
  auto best = best_served_validity(status);
  if (long_enough > 0) {
    set_condition(status.conditions, condition::kResolvable, true, Reason::kServed,
                  std::to_string(long_enough) + " of " + counts + " serve a record valid until " +
                      format_rfc3339(*best),
                  generation, now);
  } else if (serving > 0) {
    set_condition(
        status.conditions, condition::kResolvable, false, Reason::kValidityBelowMargin,
        "the best record served (" + counts + ") is valid only until " + format_rfc3339(*best),
        generation, now);
  } else {
    set_condition(status.conditions, condition::kResolvable, false, Reason::kNotServed,
                  "none of " + counts + " serves the published record", generation, now);
  }
}

}  // namespace cbx::op
