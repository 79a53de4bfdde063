#pragma once
// The signer's answer is checked, never trusted (DESIGN §8): before a signed record is stored in
// status.pending it must be a record of the folder's key (signature and embedded key checked
// against spec.ipnsName), over exactly the plan's value, with exactly the reserved sequence, the
// TTL asked for, and a validity that is not later than the plan's and not already over. A record
// that fails is dropped: it is never stored nor published; the cycle fails with reason
// SignedRecordRejected (a Warning event, and cipherbox_republish_total{outcome=...} counts it).
#include <cstdint>
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"
#include "controllers/republish/signer_port.h"
#include "controllers/republish/signing_plan.h"
#include "controllers/republish/status_transitions.h"

namespace cbx::op {

// The record of an ok SignOutcome against the plan it answers. Error code SignedRecordRejected
// with the check that failed.
Result<SignedRecord> check_signed_record(const IpnsRepublish& obj, const SigningPlan& plan,
                                         std::uint64_t current_epoch, const SignOutcome& result,
                                         SysTime now);

// One sign outcome as the reconciler consumes it: the checked record, or Error whose code is the
// failure reason (SignerUnavailable, SignerProtocolError, the signer's own refusal code, or
// SignedRecordRejected) and whose message says why.
Result<SignedRecord> accept_sign_outcome(const IpnsRepublish& obj, const SigningPlan& plan,
                                         std::uint64_t current_epoch,
                                         const Result<SignOutcome>& outcome, SysTime now);

}  // namespace cbx::op
