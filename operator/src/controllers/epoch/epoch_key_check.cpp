#include "controllers/epoch/epoch_key_check.h"

#include <algorithm>

#include "cbx/attest/event_log.h"
#include "cbx/base/secret_bytes.h"
#include "cbx/crypto/hash.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/report_data.h"
#include "cbx/epoch/tdx_quote.h"

namespace cbx::op {
namespace {

Status check_pins(const TeeEpochSpec& spec, const attest::DstackAppIdentity& id) {
  if (spec.signer.compose_hash.empty() && !spec.signer.insecure_simulator) {
    return make_error("COMPOSE_HASH_NOT_PINNED",
                      "spec.signer.composeHash is required for a hardware signer");
  }
  if (!spec.signer.compose_hash.empty() && id.compose_hash != spec.signer.compose_hash) {
    return make_error("COMPOSE_HASH_MISMATCH", "the replayed event log measures compose hash " +
                                                   id.compose_hash + ", not the pinned " +
                                                   spec.signer.compose_hash);
  }
  if (!spec.signer.app_id.empty() && id.app_id != spec.signer.app_id) {
    return make_error("APP_ID_MISMATCH", "the replayed event log measures app id " + id.app_id +
                                             ", not the pinned " + spec.signer.app_id);
  }
  return ok_status();
}

}  // namespace

bool tcb_status_accepted(const TeeEpochSpec& spec, const std::string& tcb_status) {
  const auto& accepted = spec.signer.accepted_tcb_statuses;
  return !tcb_status.empty() &&
         std::find(accepted.begin(), accepted.end(), tcb_status) != accepted.end();
}

Result<EpochKeyCheck> check_epoch_key(const TeeEpochSpec& spec, const EpochKeyAnswer& answer,
                                      ByteView nonce, SysTime now) {
  if (answer.epoch != spec.epoch) {
    return make_error("EPOCH_MISMATCH",
                      "signer answered for epoch " + std::to_string(answer.epoch));
  }
  auto public_key = hex_decode(answer.public_key_hex);
  if (!public_key || public_key->size() != 65 || !secp256k1::parse_public_key(*public_key)) {
    return make_error("BAD_PUBLIC_KEY", "epoch public key is not a valid 65-byte secp256k1 key");
  }
  auto quote_bytes = hex_decode(answer.quote_hex);
  if (!quote_bytes) return make_error("BAD_QUOTE", "quote is not hex");
  auto quote = epoch::parse_tdx_quote(*quote_bytes);
  if (!quote) return make_error("BAD_QUOTE", quote.error().message);
  auto expected = epoch::epoch_report_data(spec.epoch, *public_key, nonce);
  if (!constant_time_equal(expected, quote->report_data)) {
    return make_error("REPORT_DATA_MISMATCH",
                      "the quote does not bind this epoch's public key and our nonce");
  }
  if (answer.simulated && !spec.signer.insecure_simulator) {
    return make_error("SIMULATED_NOT_ALLOWED",
                      "the signer runs the insecure simulator; set spec.signer.insecureSimulator "
                      "only for tests and demos");
  }
  auto replayed = attest::verify_event_log(answer.event_log, *quote);
  if (!replayed) return replayed.error();
  CBX_TRY_STATUS(check_pins(spec, replayed->identity));

  const auto& id = replayed->identity;
  EpochKeyCheck out;
  out.public_key_hex = hex_encode(*public_key);
  out.identity = SignerIdentity{spec.signer.url, id.compose_hash, id.app_id, answer.simulated};
  Attestation& a = out.attestation;
  a.simulated = answer.simulated;
  a.compose_hash = id.compose_hash;
  a.app_id = id.app_id;
  a.instance_id = id.instance_id;
  a.quote_sha256 = hex_encode(sha256(*quote_bytes));
  a.checked_at = now;
  a.mrtd = hex_encode(quote->mrtd);
  a.rtmr3 = hex_encode(quote->rtmr[3]);
  out.quote = std::move(*quote_bytes);
  if (answer.simulated) {
    out.attested_reason = Reason::kSimulated;
    out.attested_message =
        "simulated quote: report data, event log and pins checked; no hardware chain "
        "(insecureSimulator)";
  } else {
    out.attested_reason = Reason::kChainNotVerified;
    out.attested_message = "report data, event log and pins checked; the quote's chain is not";
  }
  return out;
}

void apply_chain_verdict(EpochKeyCheck& check, const TeeEpochSpec& spec,
                         const Result<ChainVerdict>& verdict) {
  check.attested = false;
  if (!verdict) {
    check.attested_reason = Reason::kVerifierUnavailable;
    check.attested_message = "no quote verdict: " + verdict.error().message;
    return;
  }
  Attestation& a = check.attestation;
  a.tcb_status = verdict->tcb_status;
  a.advisory_ids = verdict->advisory_ids;
  a.trust_anchor = verdict->trust_anchor;
  a.collateral_issue_date = verdict->collateral_issue_date;
  a.collateral_next_update = verdict->collateral_next_update;
  a.verified = false;
  if (!verdict->verified) {
    check.quote_rejected = true;
    check.attested_reason = Reason::kQuoteRejected;
    check.attested_message =
        "quote verification failed (" + verdict->error_code + "): " + verdict->error_message;
    return;
  }
  if (!tcb_status_accepted(spec, verdict->tcb_status)) {
    check.quote_rejected = true;
    check.attested_reason = Reason::kTcbStatusNotAccepted;
    std::string advisories;
    for (const auto& id : verdict->advisory_ids) advisories += (advisories.empty() ? "" : ",") + id;
    check.attested_message = "the platform's TCB status is " +
                             (verdict->tcb_status.empty() ? "unknown" : verdict->tcb_status) +
                             ", not in spec.signer.acceptedTcbStatuses" +
                             (advisories.empty() ? "" : " (advisories " + advisories + ")") +
                             "; nothing is sent to this signer";
    return;
  }
  a.verified = true;
  check.attested = true;
  check.attested_reason = Reason::kVerified;
  check.attested_message = "quote verified to the " + verdict->trust_anchor + " root, TCB " +
                           verdict->tcb_status + "; report data, event log, compose hash" +
                           (spec.signer.app_id.empty() ? "" : " and app id") + " checked";
}

void apply_second_opinion(EpochKeyCheck& check, const Result<ExternalQuoteVerdict>& verdict) {
  if (!verdict) {
    check.attested_message +=
        " (second-opinion verifier unavailable: " + verdict.error().message + ")";
    return;
  }
  if (verdict->verified || check.attestation.simulated) return;
  check.attested = false;
  check.attestation.verified = false;
  check.quote_rejected = true;
  check.attested_reason = Reason::kSecondOpinionRejected;
  check.attested_message = "the external verifier rejected the quote" +
                           (verdict->reason.empty() ? "" : ": " + verdict->reason);
}

}  // namespace cbx::op
