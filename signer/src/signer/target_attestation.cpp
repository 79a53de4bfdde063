#include "signer/target_attestation.h"

#include <algorithm>

#include "cbx/attest/collateral.h"
#include "cbx/attest/event_log.h"
#include "cbx/attest/quote_verifier.h"
#include "cbx/base/secret_bytes.h"
#include "cbx/epoch/report_data.h"
#include "cbx/epoch/tdx_quote.h"

namespace cbx::signer {
namespace {

constexpr std::size_t kMaxQuoteSize = 64 * 1024;

Error invalid(const std::string& why) {
  return make_error("TARGET_ATTESTATION_INVALID", "target attestation: " + why);
}

Result<TargetChainVerdict> check_chain(const RequestFields& attestation, ByteView quote,
                                       const TargetAttestationPolicy& policy) {
  if (!policy.chain) return invalid("this signer cannot verify quote chains");
  const json* c = attestation.value("collateral");
  if (!c) return invalid("collateral is required");
  std::string collateral = c->is_string() ? c->get<std::string>() : c->dump();
  auto verdict = policy.chain(quote, collateral);
  if (!verdict) return invalid("no chain verdict: " + verdict.error().message);
  if (!verdict->verified) return invalid("quote chain rejected: " + verdict->error);
  const auto& ok = policy.accepted_tcb_statuses;
  if (std::find(ok.begin(), ok.end(), verdict->tcb_status) == ok.end()) {
    return invalid("TCB status " + verdict->tcb_status + " is not accepted");
  }
  return verdict;
}

}  // namespace

TargetChainCheck dcap_target_chain(attest::TrustAnchors anchors) {
  return [anchors = std::move(anchors)](
             ByteView quote, std::string_view collateral_json) -> Result<TargetChainVerdict> {
    auto collateral = attest::parse_collateral_json(collateral_json);
    if (!collateral) return collateral.error();
    auto now =
        std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
    auto v = attest::verify_tdx_quote(quote, *collateral, now, anchors);
    return TargetChainVerdict{v.verified, std::string(attest::to_string(v.tcb_status)),
                              v.trust_anchor,
                              v.error ? v.error->code + ": " + v.error->message : ""};
  };
}

Result<TargetAttestation> verify_target_attestation(const RequestFields& target,
                                                    const epoch::ApprovalSubject& subject,
                                                    const TargetAttestationPolicy& policy) {
  if (!target.has("attestation")) {
    return make_error("TARGET_ATTESTATION_REQUIRED",
                      "an external target needs its attestation (quote, eventLog, nonce)");
  }
  auto attestation = target.object("attestation");
  if (!attestation) return attestation.error();
  const RequestFields& a = *attestation;
  auto quote_bytes = a.hex("quote", kMaxQuoteSize);
  if (!quote_bytes) return quote_bytes.error();
  auto event_log = a.string("eventLog", attest::kMaxEventLogSize);
  if (!event_log) return event_log.error();
  auto nonce = a.hex("nonce", epoch::kMaxNonceSize);
  if (!nonce) return nonce.error();

  auto quote = epoch::parse_tdx_quote(*quote_bytes);
  if (!quote) return invalid(quote.error().message);
  auto expected = epoch::epoch_report_data(subject.epoch, subject.public_key, *nonce);
  if (!constant_time_equal(expected, quote->report_data)) {
    return invalid("the quote does not bind the target epoch and public key");
  }
  auto replayed = attest::verify_event_log(*event_log, *quote);
  if (!replayed) return invalid(replayed.error().code + ": " + replayed.error().message);
  if (replayed->identity.compose_hash != hex_encode(subject.compose_hash)) {
    return invalid("the event log measures compose hash " + replayed->identity.compose_hash +
                   ", not the approved one");
  }
  TargetAttestation out{replayed->identity.compose_hash, replayed->identity.app_id, false, ""};
  if (policy.require_chain) {
    auto verdict = check_chain(a, *quote_bytes, policy);
    if (!verdict) return verdict.error();
    out.chain_verified = true;
    out.tcb_status = verdict->tcb_status;
  }
  return out;
}

}  // namespace cbx::signer
