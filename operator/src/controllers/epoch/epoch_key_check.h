#pragma once
// Checks a signer's answer for an epoch's public key (DESIGN §7). Trust comes only from what is
// verified, never from the signer's own JSON fields:
//   1. the quote binds exactly this epoch, key and our nonce (report data);
//   2. the event log replays to the quote's RTMR3 (and RTMR0-2 where it carries them), and the
//      compose hash and app id read from that replayed log equal spec.signer.composeHash /
//      spec.signer.appId (pins enforced on simulated quotes too);
//   3. the quote's hardware chain verifies and the platform's TCB status is one of
//      spec.signer.acceptedTcbStatuses (apply_chain_verdict). Skipped only for insecureSimulator
//      epochs, and the status says so (verified=false, simulated=true).
#include <string>

#include "api/v1alpha1/tee_epoch.h"
#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "controllers/epoch/quote_chain.h"
#include "controllers/epoch/signer_port.h"

namespace cbx::op {

struct EpochKeyCheck {
  std::string public_key_hex;
  SignerIdentity identity;  // compose hash and app id from the replayed event log
  Attestation attestation;
  Bytes quote;
  bool attested = false;  // Attested condition
  Reason attested_reason = Reason::kChainNotVerified;
  std::string attested_message;
  bool quote_rejected = false;  // the platform is not trusted: the epoch must not be Ready
};

// Error codes: EPOCH_MISMATCH, BAD_PUBLIC_KEY, BAD_QUOTE, REPORT_DATA_MISMATCH,
// SIMULATED_NOT_ALLOWED, the event-log codes of cbx/attest/event_log.h (EVENT_LOG_INVALID,
// EVENT_DIGEST_MISMATCH, EVENT_LOG_INCOMPLETE, RTMR_MISMATCH), COMPOSE_HASH_NOT_PINNED,
// COMPOSE_HASH_MISMATCH, APP_ID_MISMATCH.
Result<EpochKeyCheck> check_epoch_key(const TeeEpochSpec& spec, const EpochKeyAnswer& answer,
                                      ByteView nonce, SysTime now);

// Folds the in-process verifier's verdict into a successful check of a hardware quote:
// Verified (chain verified, TCB status accepted); QuoteRejected / TcbStatusNotAccepted
// (quote_rejected: the key is not trusted); VerifierUnavailable (no verdict: the caller keeps a
// previously attested epoch as it was and holds back a new one).
void apply_chain_verdict(EpochKeyCheck& check, const TeeEpochSpec& spec,
                         const Result<ChainVerdict>& verdict);

// The optional external verifier (a second opinion): a rejection of a hardware quote rejects the
// key; an unavailable verifier is only mentioned in the message.
void apply_second_opinion(EpochKeyCheck& check, const Result<ExternalQuoteVerdict>& verdict);

bool tcb_status_accepted(const TeeEpochSpec& spec, const std::string& tcb_status);

}  // namespace cbx::op
