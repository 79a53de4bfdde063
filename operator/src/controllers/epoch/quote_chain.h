#pragma once
// The hardware half of an epoch's attestation (DESIGN §7): the TDX quote's signature chain to the
// pinned root, the collateral and the platform's TCB status, as the epoch checks consume it. The
// in-process DCAP verifier (cbx/attest/quote_verifier.h + a PCCS collateral source) implements it
// in the operator; tests substitute verdicts a real platform cannot be made to produce.
#include <optional>
#include <string>
#include <vector>

#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::op {

struct ChainVerdict {
  bool verified = false;   // every signature, certificate, CRL and collateral check passed
  std::string tcb_status;  // Intel's spelling (UpToDate, OutOfDate, ...); "" when none
  std::vector<std::string> advisory_ids;
  std::string trust_anchor;                      // "intel", or a test root's name
  std::optional<SysTime> collateral_issue_date;  // the collateral's age (its documents' issue)
  std::optional<SysTime> collateral_next_update;
  std::string error_code;  // when !verified
  std::string error_message;
};

class QuoteChainVerifier {
 public:
  virtual ~QuoteChainVerifier() = default;
  // An Error only when no verdict could be reached (collateral unavailable): a verdict that says
  // "not verified" is a successful result.
  virtual Result<ChainVerdict> verify(ByteView quote, SysTime now) = 0;
  // Brings the collateral of every platform seen up to date (a cache answers until it is due);
  // called on every pass of the epoch controller, so a changed collateral is seen without
  // waiting for an epoch's key re-check.
  virtual void refresh(SysTime /*now*/) {}
  // Changes whenever the collateral the verdicts rest on changes (a refetch brought other
  // documents): the epoch controller re-verifies every epoch then.
  virtual std::string collateral_generation() const { return ""; }
  // The collateral (dcap-qvl JSON shape) verify() uses for this quote: passed to an old signer so
  // that it verifies a rewrap target's quote itself (Intel signed it: carrying it is safe).
  virtual Result<std::string> collateral_json(ByteView /*quote*/, SysTime /*now*/) {
    return make_error("NO_COLLATERAL", "this verifier has no collateral to share");
  }
};

}  // namespace cbx::op
