#pragma once
// Checks a signer's answer for an epoch's public key (DESIGN §7): the quote must bind exactly this
// epoch, key and our nonce; a simulated signer is accepted only where the TeeEpoch allows it; the
// attested compose hash must be the pinned one. The hardware signature chain is a verifier's job:
// where none is configured the Attested condition says so instead of pretending.
#include <string>

#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "clients/attestation_verifier.h"
#include "clients/signer_client.h"
#include "controllers/epoch/tee_epoch.h"

namespace cbx::op {

struct EpochKeyCheck {
  std::string public_key_hex;
  SignerIdentity identity;
  Attestation attestation;
  bool attested = false;        // Attested condition
  std::string attested_reason;  // Verified | Simulated | NoVerifierConfigured |
                                // VerifierRejected | VerifierUnavailable
  std::string attested_message;
  bool quote_rejected = false;  // a verifier refused a hardware quote: the epoch is not Ready
};

// Error codes: EPOCH_MISMATCH, BAD_PUBLIC_KEY, BAD_QUOTE, REPORT_DATA_MISMATCH,
// SIMULATED_NOT_ALLOWED, COMPOSE_HASH_MISMATCH.
Result<EpochKeyCheck> check_epoch_key(const TeeEpochSpec& spec, const EpochPublicKey& answer,
                                      ByteView nonce, SysTime now);

// Folds a quote verifier's answer into a successful check: Verified; VerifierRejected (for a
// hardware quote also quote_rejected: the key is not trusted); VerifierUnavailable (the last
// verdict is unknown, nothing else changes).
void apply_quote_verdict(EpochKeyCheck& check, const Result<QuoteVerdict>& verdict);

}  // namespace cbx::op
