#pragma once
// The TeeEpoch custom resource (cluster-scoped, one per key epoch) as the controllers see it.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/conditions.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"

namespace cbx::op {

namespace phase {
inline constexpr char kPending[] = "Pending";
inline constexpr char kActive[] = "Active";
inline constexpr char kSuperseded[] = "Superseded";
inline constexpr char kRetired[] = "Retired";
inline constexpr char kFailed[] = "Failed";
}  // namespace phase

struct SignerSpec {
  std::string url;
  std::string auth_secret_name;
  std::string auth_secret_key;
  std::string ca_bundle;     // PEM (decoded from the CRD's base64 if given so)
  std::string compose_hash;  // pinned; "" only for insecureSimulator epochs (CRD rule)
  std::string app_id;        // pinned when not ""
  std::vector<std::string> accepted_tcb_statuses{"UpToDate"};
  bool insecure_simulator = false;

  bool operator==(const SignerSpec&) const = default;
};

struct TeeEpochSpec {
  std::uint64_t epoch = 0;
  SignerSpec signer;
  Nanos grace_period = std::chrono::hours(672);
  std::optional<Nanos> rotate_after;
  std::string approval;  // base64 Ed25519 signature by the rotation authority
};

struct SignerIdentity {
  std::string url;
  std::string compose_hash;
  std::string app_id;
  bool simulated = false;

  bool operator==(const SignerIdentity&) const = default;
};

// What the last attestation check established (status.attestation). compose_hash, app_id and
// instance_id come from the event log replayed to the quote's RTMR3; tcb_status and the rest from
// the in-process quote verification (empty for simulated quotes: the chain check is skipped).
struct Attestation {
  bool verified = false;
  bool simulated = false;
  std::string compose_hash;
  std::string app_id;
  std::string quote_sha256;
  std::optional<SysTime> checked_at;
  std::string tcb_status;
  std::vector<std::string> advisory_ids;
  std::string trust_anchor;
  std::optional<SysTime> collateral_issue_date;
  std::optional<SysTime> collateral_next_update;
  std::string instance_id;
  std::string mrtd;   // hex
  std::string rtmr3;  // hex
};

struct TeeEpochStatus {
  std::string phase;
  std::optional<SignerIdentity> signer;
  std::string public_key;  // hex, 65-byte uncompressed
  std::optional<Attestation> attestation;
  std::optional<SysTime> activated_at;
  std::optional<SysTime> superseded_at;
  std::optional<SysTime> retire_after;
  std::int64_t entries = 0;
  std::int64_t spec_entries = 0;  // folders whose spec.keyEpoch is this epoch (to export, commit)
  std::int64_t keys_needed = 0;  // folder keys only this epoch still opens durably (decommission.h)
  bool safe_to_decommission = false;
  std::int64_t observed_generation = 0;
  std::vector<Condition> conditions;
};

struct TeeEpoch {
  std::string name;
  std::string resource_version;
  std::int64_t generation = 0;
  std::optional<SysTime> created_at;
  TeeEpochSpec spec;
  TeeEpochStatus status;
};

Result<TeeEpoch> parse_tee_epoch(const nlohmann::json& object);
nlohmann::json tee_epoch_status_to_json(const TeeEpochStatus& status);

}  // namespace cbx::op
