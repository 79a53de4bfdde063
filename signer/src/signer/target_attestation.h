#pragma once
// The old signer's own check of an external rewrap target (DESIGN §6; issue 11 item 5): besides
// the rotation authority's approval, the target's public key must come with a quote that binds it
// (report data = epoch_report_data(epoch, publicKey, nonce)), an event log that replays to the
// quote's RTMR3 and measures exactly the approved compose hash, and — unless this signer is itself
// the insecure simulator — a hardware chain that verifies to the pinned root with collateral the
// operator passes along (Intel signs it, so carrying it through the operator is safe) and a TCB
// status this signer accepts. The same library code as the operator's runs inside the CVM.
//
//   target.attestation = {"quote": hex, "eventLog": JSON text, "nonce": hex (<= 64 bytes),
//                         "collateral"?: {dcap-qvl collateral JSON} }
#include <functional>
#include <string>
#include <vector>

#include "cbx/attest/trust_anchors.h"
#include "cbx/epoch/approval.h"
#include "signer/request_json.h"

namespace cbx::signer {

struct TargetChainVerdict {
  bool verified = false;
  std::string tcb_status;
  std::string trust_anchor;
  std::string error;  // when !verified
};
// quote bytes, collateral JSON text -> verdict; Error when no verdict could be reached.
using TargetChainCheck = std::function<Result<TargetChainVerdict>(ByteView, std::string_view)>;

struct TargetAttestationPolicy {
  bool require_chain = true;  // false only for a simulator signer (its targets are simulators)
  std::vector<std::string> accepted_tcb_statuses{"UpToDate"};
  TargetChainCheck chain;  // empty: chains cannot be verified (every hardware target refused)
};

struct TargetAttestation {
  std::string compose_hash;  // from the replayed event log
  std::string app_id;
  bool chain_verified = false;
  std::string tcb_status;
};

// verify_tdx_quote (cbx/attest/quote_verifier.h) against `anchors`, with the collateral parsed
// from the request, as of now. A signer in a real CVM uses Intel's pinned root
// (TrustAnchors::intel()); only tests pass another.
TargetChainCheck dcap_target_chain(attest::TrustAnchors anchors);

// Errors: TARGET_ATTESTATION_REQUIRED (no attestation), TARGET_ATTESTATION_INVALID (anything that
// does not verify, with the reason), BAD_REQUEST (malformed fields).
// `target` is the request's "target" object.
Result<TargetAttestation> verify_target_attestation(const RequestFields& target,
                                                    const epoch::ApprovalSubject& subject,
                                                    const TargetAttestationPolicy& policy);

}  // namespace cbx::signer
