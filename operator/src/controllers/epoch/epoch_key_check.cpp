#include "controllers/epoch/epoch_key_check.h"

#include "cbx/base/secret_bytes.h"
#include "cbx/crypto/hash.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/report_data.h"
#include "cbx/epoch/tdx_quote.h"

namespace cbx::op {

Result<EpochKeyCheck> check_epoch_key(const TeeEpochSpec& spec, const EpochPublicKey& answer,
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
  if (!spec.signer.compose_hash.empty() && answer.compose_hash != spec.signer.compose_hash) {
    return make_error("COMPOSE_HASH_MISMATCH", "attested compose hash " + answer.compose_hash +
                                                   " is not the pinned " +
                                                   spec.signer.compose_hash);
  }
  EpochKeyCheck out;
  out.public_key_hex = hex_encode(*public_key);
  out.identity =
      SignerIdentity{spec.signer.url, answer.compose_hash, answer.app_id, answer.simulated};
  out.attestation = Attestation{
      false, answer.simulated, answer.compose_hash, answer.app_id, hex_encode(sha256(*quote_bytes)),
      now};
  if (answer.simulated) {
    out.attested_reason = "Simulated";
    out.attested_message = "simulated quote: report data checked, no hardware attestation";
  } else {
    out.attested_reason = "NoVerifierConfigured";
    out.attested_message =
        "report data and compose hash checked; the quote's hardware signature chain is not "
        "verified because no verifier is configured";
  }
  return out;
}

void apply_quote_verdict(EpochKeyCheck& check, const Result<QuoteVerdict>& verdict) {
  if (!verdict) {
    check.attested = false;
    check.attested_reason = "VerifierUnavailable";
    check.attested_message = "quote verifier unavailable: " + verdict.error().message;
    return;
  }
  check.attestation.verified = verdict->verified;
  check.attested = verdict->verified;
  if (verdict->verified) {
    check.attested_reason = "Verified";
    check.attested_message = "report data, compose hash and the quote's signature chain verified";
    return;
  }
  check.attested_reason = "VerifierRejected";
  check.attested_message = "the verifier rejected the quote" +
                           (verdict->reason.empty() ? "" : ": " + verdict->reason) +
                           (check.attestation.simulated ? " (simulated quote)" : "");
  check.quote_rejected = !check.attestation.simulated;
}

}  // namespace cbx::op
