#pragma once
// The status changes of one republish cycle, as pure functions on a copy of the status:
// reserve (before the signer is called, invariant 1) -> signed (pending stored before publishing,
// invariant 3) -> published; or a failure. The reconciler writes each result with a
// resourceVersion precondition, so a crash between any two steps resumes from status (invariant 4).
#include <optional>
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"
#include "controllers/republish/due_policy.h"
#include "controllers/republish/ports.h"
#include "controllers/republish/signing_plan.h"

namespace cbx::op {

namespace condition {
inline constexpr char kReady[] = "Ready";
inline constexpr char kPublished[] = "Published";
inline constexpr char kKeyCurrent[] = "KeyCurrent";
inline constexpr char kStalled[] = "Stalled";
inline constexpr char kNetworkAhead[] = "NetworkAhead";
// True when the signer shortened the record's validity below spec.lifetime (its --max-lifetime);
// the schedule then follows the validity the record really carries.
inline constexpr char kLifetimeCapped[] = "LifetimeCapped";
}  // namespace condition

inline constexpr std::uint32_t kStalledAfterFailures = 5;

// What the KeyCurrent condition says about the folder's key (see controllers/epoch/signer_choice).
struct KeyState {
  bool current = false;
  // KeyCurrent | KeyOnOlderEpoch | KeyMigrationPending | KeyMigrationRequired | EpochNotReady |
  // NoActiveEpoch
  Reason reason = Reason::kNoActiveEpoch;
  std::string message;
};

// KeyCurrent from the active epoch number alone (0: none): the same-signer view.
KeyState key_state_for(const IpnsRepublish& obj, std::uint64_t active_epoch);

struct SignedRecord {
  std::string record_base64;
  std::optional<EncryptedKeyRef> rewrapped;  // key re-encrypted to a newer epoch by the signer
  std::optional<SysTime> valid_until = std::nullopt;  // what the record really carries (capped)
};

// Reserve plan.sequence and mark the generation / manual trigger as handled.
IpnsRepublishStatus reserve_sequence(const IpnsRepublish& obj, const SigningPlan& plan,
                                     SysTime now);
IpnsRepublishStatus store_signed(const IpnsRepublish& obj, const SigningPlan& plan,
                                 const SignedRecord& signed_record, SysTime now);
IpnsRepublishStatus mark_published(const IpnsRepublish& obj, SysTime now);
IpnsRepublishStatus mark_failed(const IpnsRepublish& obj, const std::string& reason,
                                const std::string& message, SysTime now);
// Records each endpoint's answer to publishing `sequence` in status.endpoints.
void apply_endpoint_results(IpnsRepublishStatus& st, const std::vector<EndpointResult>& results,
                            std::uint64_t sequence, SysTime now);
// Keeps Ready/KeyCurrent/NetworkAhead current when nothing is due (e.g. after a spec edit that
// changed nothing to sign, or an epoch change). active_epoch: 0 when no epoch is Ready.
IpnsRepublishStatus refresh_conditions(const IpnsRepublish& obj, std::uint64_t active_epoch,
                                       SysTime now);
IpnsRepublishStatus refresh_conditions(const IpnsRepublish& obj, const KeyState& key, SysTime now);

}  // namespace cbx::op
