#pragma once
// Client of the signer API v1 (DESIGN §5): POST /v1/sign, POST /v1/rewrap,
// GET /v1/epochs/{n}/public-key, GET /v1/info. Bearer token on every /v1 call. Per-entry errors
// come back in the results; only a failed exchange (transport, non-200) is an Error.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"
#include "cbx/http/client.h"

namespace cbx::op {

struct SignEntry {
  std::string id;
  std::string ipns_name;
  std::string encrypted_key;  // base64
  std::uint64_t key_epoch = 0;
  std::string value;
  std::string proof_record;   // base64
  std::uint64_t sequence = 0;
  std::string validity;       // RFC 3339 with nanoseconds
  std::uint64_t ttl_seconds = 300;
};

struct SignResult {
  std::string id;
  bool ok = false;
  std::string record;  // base64
  std::uint64_t sequence = 0;
  std::string validity;
  std::optional<std::uint64_t> rewrapped_epoch;
  std::string rewrapped_key;  // base64
  std::string error_code;
  std::string error_message;
};

struct EpochPublicKey {
  std::uint64_t epoch = 0;
  std::string public_key_hex;  // 65-byte uncompressed SEC1
  std::string report_data_hex;
  std::string quote_hex;
  std::string event_log;
  std::string compose_hash;
  std::string app_id;
  bool simulated = false;
};

// POST /v1/rewrap: re-encrypt sealed keys without signing (DESIGN §6).
struct RewrapEntry {
  std::string id;
  std::string ipns_name;      // optional check: the key must be this name's
  std::string encrypted_key;  // base64
  std::uint64_t key_epoch = 0;
};

// An external target (pre-rotation): the new epoch's key, approved by the rotation authority.
struct RewrapTarget {
  std::uint64_t epoch = 0;
  std::string public_key_hex;    // 65-byte uncompressed
  std::string compose_hash_hex;  // 32 bytes
  std::string approval;          // base64 Ed25519 signature
  // The target's attestation, which the old signer verifies itself: a quote binding (epoch,
  // public key, nonce), its event log, and the collateral for the quote's chain ("" for a
  // simulated target).
  std::string quote_hex;
  std::string event_log;
  std::string nonce_hex;
  std::string collateral_json;
};

struct RewrapResult {
  std::string id;
  bool ok = false;
  std::uint64_t epoch = 0;
  std::string encrypted_key;  // base64
  std::string error_code;
  std::string error_message;
};

class SignerClient {
 public:
  // Error codes: UNAUTHORIZED (401/403), UNAVAILABLE (transport, 5xx), REJECTED (other 4xx,
  // with the signer's error code in the message), BAD_RESPONSE (the answer breaks the protocol:
  // not application/json, not a JSON object, over kMaxSignerAnswerBytes, a field of the wrong
  // type or size, or not exactly one result per entry sent; see signer_answers.h).
  SignerClient(http::HttpTransport& transport, std::string base_url, SecretBytes token,
               std::chrono::milliseconds timeout = std::chrono::seconds(30));

  Result<std::vector<SignResult>> sign(std::uint64_t current_epoch,
                                       const std::vector<SignEntry>& entries);
  Result<EpochPublicKey> epoch_public_key(std::uint64_t epoch, const std::string& nonce_hex);
  Result<nlohmann::json> info();
  // Request-level refusals keep the signer's code: APPROVAL_REQUIRED, APPROVAL_INVALID (403),
  // UNKNOWN_EPOCH (400); per-entry errors come back in the results.
  Result<std::vector<RewrapResult>> rewrap(const RewrapTarget& target,
                                           const std::vector<RewrapEntry>& entries);
  const std::string& base_url() const { return base_url_; }

 private:
  Result<nlohmann::json> call(const std::string& method, const std::string& path,
                              const std::string& body);

  http::HttpTransport& transport_;
  std::string base_url_;
  SecretBytes token_;
  std::chrono::milliseconds timeout_;
};

}  // namespace cbx::op
