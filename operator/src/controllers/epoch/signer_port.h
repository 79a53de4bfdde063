#pragma once
// The signers as the epoch reconciler sees them: a signer's answer for an epoch's public key, and
// re-encryption of sealed keys to another epoch (pre-rotation), as domain types. The adapter
// (app/client_epoch_signer) speaks the signer's wire protocol. Also the optional external quote
// verifier (a second opinion on hardware quotes).
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "api/v1alpha1/tee_epoch.h"
#include "cbx/base/result.h"

namespace cbx::op {

// What a signer answers for an epoch's public key, as sent and not yet trusted: check_epoch_key
// (epoch_key_check.h) verifies it. The signer's own claims about its compose hash and app id are
// deliberately absent: only the event log replayed to the quote says which app runs.
struct EpochKeyAnswer {
  std::uint64_t epoch = 0;
  std::string public_key_hex;  // 65-byte uncompressed SEC1
  std::string quote_hex;
  std::string event_log;  // JSON text
  bool simulated = false;
};

// One folder's sealed key to re-encrypt.
struct RewrapRequest {
  std::string id;         // the folder's key ("namespace/name"); its outcome carries it back
  std::string ipns_name;  // the signer checks that the key is this name's
  EncryptedKeyRef key;
};

// The epoch keys are re-encrypted to, as the old signer must see it: the approved key and compose
// hash, and the new signer's attestation (a quote binding epoch, key and nonce, its event log and
// the collateral of the quote's chain; "" for a simulated target), which the old signer verifies
// itself.
struct RewrapDestination {
  std::uint64_t epoch = 0;
  std::string public_key_hex;    // 65-byte uncompressed
  std::string compose_hash_hex;  // 32 bytes
  std::string approval;          // base64 Ed25519 signature of the rotation authority
  std::string quote_hex;
  std::string event_log;
  std::string nonce_hex;
  std::string collateral_json;
};

// The signer's answer for one request; a refusal is ok == false with the signer's code.
struct RewrapOutcome {
  std::string id;
  bool ok = false;
  EncryptedKeyRef key;  // the re-encrypted key and the epoch it is sealed to
  std::string error_code;
  std::string error_message;
};

// One signer as the epoch reconciler uses it.
class EpochSigner {
 public:
  virtual ~EpochSigner() = default;
  virtual Result<EpochKeyAnswer> epoch_public_key(std::uint64_t epoch,
                                                  const std::string& nonce_hex) = 0;
  // Request-level refusals keep the signer's code (APPROVAL_REQUIRED, APPROVAL_INVALID,
  // TARGET_ATTESTATION_*); per-request refusals come back as outcomes.
  virtual Result<std::vector<RewrapOutcome>> rewrap(const RewrapDestination& to,
                                                    const std::vector<RewrapRequest>& requests) = 0;
};

class EpochSignerPool {
 public:
  virtual ~EpochSignerPool() = default;
  // The signer a TeeEpoch's signer spec names. Error: it cannot be used (e.g. its token Secret
  // is unreadable).
  virtual Result<std::shared_ptr<EpochSigner>> signer_for(const SignerSpec& spec) = 0;
  // Forgets every signer whose URL is not in `in_use`.
  virtual void retain(const std::set<std::string>& in_use) = 0;
};

// An external verifier's verdict on a quote.
struct ExternalQuoteVerdict {
  bool verified = false;
  std::string reason;  // the verifier's reason when it gives one
};

// The optional external quote verifier: it can only veto a hardware quote.
class QuoteSecondOpinion {
 public:
  virtual ~QuoteSecondOpinion() = default;
  // Error: no verdict (unavailable, answer not understood).
  virtual Result<ExternalQuoteVerdict> verify(const std::string& quote_hex) = 0;
};

}  // namespace cbx::op
