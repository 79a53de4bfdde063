#pragma once
// POST /v1/rewrap (DESIGN §6): re-encrypt sealed seeds without signing, either to an epoch this
// CVM derives (targetEpoch) or to an external epoch key approved by the rotation authority AND
// attested (target_attestation.h).
#include <optional>

#include "cbx/crypto/ed25519.h"
#include "signer/sign_entry.h"
#include "signer/target_attestation.h"

namespace cbx::signer {

struct RewrapEntryRequest {
  std::string id;
  std::optional<std::string> ipns_name;  // checked against the key when present
  Bytes encrypted_key;
  std::uint64_t key_epoch = 0;
};

struct RewrapTarget {
  std::uint64_t epoch = 0;
  Bytes public_key;  // 65-byte uncompressed
  bool external = false;
  bool chain_verified = false;  // external: its quote chain verified here (not for a simulator)
};

// BAD_REQUEST naming the field's path (`path` is the entry's, "entries[3]").
Result<RewrapEntryRequest> parse_rewrap_entry(const json& entry, std::string path, std::string& id);

// Request-level target resolution. Errors (with the HTTP status the handler uses):
//   BAD_REQUEST 400, UNKNOWN_EPOCH 400, APPROVAL_REQUIRED 403, APPROVAL_INVALID 403,
//   TARGET_ATTESTATION_REQUIRED 403, TARGET_ATTESTATION_INVALID 403, KEY_PROVIDER_FAILED 503.
// The approval is checked first (cheap), then the target's attestation.
Result<RewrapTarget> resolve_rewrap_target(const json& body, EpochKeyCache& keys,
                                           const std::optional<ed25519::PublicKey>& authority,
                                           const TargetAttestationPolicy& policy);

// Per-entry codes: BAD_REQUEST, UNKNOWN_EPOCH, DECRYPT_FAILED, BAD_KEY, KEY_NAME_MISMATCH,
// REWRAP_FAILED.
Result<Bytes> rewrap_entry(const RewrapEntryRequest& req, EpochKeyCache& keys,
                           const RewrapTarget& target);

}  // namespace cbx::signer
