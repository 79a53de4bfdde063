#include "controllers/epoch/pre_rotation.h"

namespace cbx::op {

const std::string& signer_url_of(const TeeEpoch& e) {
  return e.status.signer && !e.status.signer->url.empty() ? e.status.signer->url
                                                          : e.spec.signer.url;
}

SignerSpec serving_signer(const TeeEpoch& e) {
  SignerSpec spec = e.spec.signer;
  spec.url = signer_url_of(e);
  return spec;
}

bool epoch_usable(const TeeEpoch& e) {
  return e.status.phase != phase::kFailed && condition_is_true(e.status.conditions, "Ready");
}

const TeeEpoch* find_epoch(const std::vector<TeeEpoch>& epochs, std::uint64_t epoch) {
  for (const auto& e : epochs) {
    if (e.spec.epoch == epoch) return &e;
  }
  return nullptr;
}

PreRotationPlan plan_pre_rotation(const std::vector<TeeEpoch>& epochs,
                                  const std::map<std::uint64_t, std::int64_t>& entries) {
  PreRotationPlan plan;
  const TeeEpoch* target = nullptr;
  for (const auto& e : epochs) {
    if (epoch_usable(e) && e.status.phase != phase::kRetired &&
        (!target || e.spec.epoch > target->spec.epoch)) {
      target = &e;
    }
  }
  if (!target) return plan;
  plan.target = target->spec.epoch;
  for (const auto& e : epochs) {
    if (e.spec.epoch >= plan.target) continue;
    auto it = entries.find(e.spec.epoch);
    std::int64_t folders = it == entries.end() ? 0 : it->second;
    if (folders == 0 || !epoch_usable(e)) continue;  // a Failed epoch's folders are stranded
    if (signer_url_of(e) == signer_url_of(*target)) {
      plan.lazy += folders;
    } else {
      plan.sources.push_back(e.spec.epoch);
      plan.remaining += folders;
    }
  }
  // Once Active, an epoch is never demoted: folders appearing later on an old signer's epoch
  // are migrated (or flagged) without holding anything back.
  plan.hold = !plan.sources.empty() && target->status.phase != phase::kActive;
  return plan;
}

bool migration_refused(const TeeEpoch& target) {
  const auto* c = find_condition(target.status.conditions, migrated::kCondition);
  if (!c || c->status != "False") return false;
  auto reason = parse_reason(c->reason);
  return reason == Reason::kApprovalRequired || reason == Reason::kApprovalInvalid ||
         reason == Reason::kTargetNotAttested;
}

}  // namespace cbx::op
