#include "controllers/epoch/signer_choice.h"

#include "controllers/epoch/epoch_phases.h"
#include "controllers/epoch/pre_rotation.h"

namespace cbx::op {
namespace {

std::string epoch_text(std::uint64_t n) {
  return "epoch " + std::to_string(n);
}

SigningTarget blocked(Reason reason, std::string message) {
  return SigningTarget{std::nullopt, KeyState{false, reason, std::move(message)}};
}

// The newest usable epoch, which pre-rotation moves keys to.
const TeeEpoch* newest_usable(const std::vector<TeeEpoch>& epochs) {
  const TeeEpoch* best = nullptr;
  for (const auto& e : epochs) {
    if (epoch_usable(e) && e.status.phase != phase::kRetired &&
        (!best || e.spec.epoch > best->spec.epoch)) {
      best = &e;
    }
  }
  return best;
}

KeyState cross_signer_state(const TeeEpoch& own, const std::vector<TeeEpoch>& epochs) {
  const TeeEpoch* newest = newest_usable(epochs);
  if (!newest || newest->spec.epoch <= own.spec.epoch ||
      signer_url_of(*newest) == signer_url_of(own)) {
    return {true, Reason::kKeyCurrent, "key on " + epoch_text(own.spec.epoch)};
  }
  std::string where = "key on " + epoch_text(own.spec.epoch) + " (signer " + signer_url_of(own) +
                      "), newest is " + epoch_text(newest->spec.epoch) + " on another signer";
  if (migration_refused(*newest)) {
    const auto* c = find_condition(newest->status.conditions, migrated::kCondition);
    return {false, Reason::kKeyMigrationRequired,
            where + ": eager migration impossible (" + c->reason +
                "); re-seal the key to the new epoch (cipherbox-republish seal --epoch " +
                std::to_string(newest->spec.epoch) + ")"};
  }
  return {false, Reason::kKeyMigrationPending, where + ": pre-rotation will re-encrypt it"};
}

}  // namespace

SigningTarget choose_signer(const IpnsRepublish& obj, const std::vector<TeeEpoch>& epochs) {
  const TeeEpoch* active = active_epoch(epochs);
  auto key = effective_key(obj);
  const TeeEpoch* own = find_epoch(epochs, key.epoch);
  if (!own) {
    return blocked(Reason::kKeyMigrationRequired,
                   "key sealed to " + epoch_text(key.epoch) + ", which no TeeEpoch describes");
  }
  if (own->status.phase == phase::kFailed) {
    return blocked(Reason::kKeyMigrationRequired,
                   "key sealed to " + epoch_text(key.epoch) +
                       ", which is Failed (its signer no longer derives that key); re-seal it");
  }
  bool same_signer_as_active = active && signer_url_of(*own) == signer_url_of(*active);
  if (same_signer_as_active && key.epoch <= active->spec.epoch) {
    // No handle yet: the republish controller asks the signer pool for it.
    ActiveEpoch signer{active->spec.epoch, signer_url_of(*active), nullptr};
    auto state = key_state_for(obj, active->spec.epoch);
    // Current on the active epoch, but a newer epoch on another signer waits for this key.
    if (state.current) state = cross_signer_state(*active, epochs);
    return SigningTarget{signer, state};
  }
  if (!epoch_usable(*own)) {
    return blocked(Reason::kEpochNotReady,
                   "key sealed to " + epoch_text(key.epoch) + ", which is not Ready");
  }
  if (own->status.phase == phase::kRetired) {
    return blocked(Reason::kKeyMigrationRequired,
                   "key sealed to " + epoch_text(key.epoch) +
                       ", which is Retired and not served by the active signer; re-seal it");
  }
  return SigningTarget{ActiveEpoch{key.epoch, signer_url_of(*own), nullptr},
                       cross_signer_state(*own, epochs)};
}

}  // namespace cbx::op
