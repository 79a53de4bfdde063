#pragma once
// In-process DCAP verification of Intel TDX v4 quotes (no quote-verification service):
//   1. quote structure (v4, TDX, ECDSA P-256, certification data 6 -> 5)
//   2. TCB info and QE identity: inside issueDate..nextUpdate at `now`, signed by the TCB signing
//      certificate, whose chain ends in the pinned root and is not revoked (root CA CRL)
//   3. the PCK certificate chain from the quote ends in the pinned root; PCK CRL and root CA CRL
//      (both signed by their issuers and current at `now`) revoke none of it
//   4. the QE report is signed by the PCK leaf key; its report data is
//      SHA-256(attestation key || QE auth data) || 32 zero bytes
//   5. the QE report matches the QE identity (MRSIGNER, ISVPRODID, masked MISCSELECT and
//      ATTRIBUTES, not debug); its ISVSVN gives the QE TCB status
//   6. the attestation key signed header || TD report
//   7. the PCK certificate's SGX extensions (FMSPC, PCESVN, CPUSVN) and the TD report's TEE TCB
//      SVN select the first matching TCB level of the TCB info: the platform TCB status
//   8. platform and QE statuses merge (cbx/attest/tcb_status.h); Revoked is refused
//   9. the TD attributes: not debug, no reserved bits, SEPT_VE_DISABLE set
// Default-deny: `verified` is true only when every step passed; any error leaves it false.
// tcb_status is reported even when it is not acceptable to the caller (OutOfDate verifies: the
// caller decides which statuses it accepts).
#include <optional>
#include <string>
#include <vector>

#include "cbx/attest/collateral.h"
#include "cbx/attest/quote_v4.h"
#include "cbx/attest/tcb_status.h"
#include "cbx/attest/trust_anchors.h"
#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::attest {

// Error codes (Error::code) a verdict can carry:
//   BAD_QUOTE, UNSUPPORTED_QUOTE       quote structure
//   NO_COLLATERAL                      verification was not attempted (CLI --no-collateral)
//   BAD_COLLATERAL                     collateral fields or JSON documents malformed
//   COLLATERAL_NOT_YET_VALID, COLLATERAL_EXPIRED   TCB info / QE identity window
//   BAD_CERT_CHAIN                     a chain does not end in the anchor, is expired or malformed
//   CERT_REVOKED                       a CRL lists a certificate of a chain
//   BAD_SIGNATURE                      TCB info, QE identity, QE report or quote signature
//   QE_REPORT_BINDING                  QE report data != SHA-256(attestation key || auth data)
//   QE_IDENTITY_MISMATCH               MRSIGNER/ISVPRODID/MISCSELECT/ATTRIBUTES/debug/ISVSVN
//   FMSPC_MISMATCH, NO_TCB_LEVEL       platform TCB matching
//   TCB_REVOKED                        the matched level is Revoked (tcb_status says so)
//   TD_ATTRIBUTES                      debug TD, reserved bits, SEPT_VE_DISABLE clear
struct QuoteVerdict {
  bool verified = false;
  TcbStatus tcb_status = TcbStatus::Unknown;
  std::vector<std::string> advisory_ids;
  std::optional<Error> error;
  // The parsed TD report; present whenever the quote parsed, trusted only when verified.
  std::optional<TdReport> report;
  std::string fmspc;         // hex, uppercase, from the PCK certificate (once read)
  std::string trust_anchor;  // TrustAnchors::name the chains were checked against
  std::optional<SysTime> collateral_issue_date;   // later issueDate of TCB info / QE identity
  std::optional<SysTime> collateral_next_update;  // earlier nextUpdate of the two
  std::optional<TcbStatus> platform_tcb_status;
  std::optional<TcbStatus> qe_tcb_status;
};

QuoteVerdict verify_tdx_quote(ByteView quote, const Collateral& collateral, SysTime now,
                              const TrustAnchors& anchors = TrustAnchors::intel());

// Parses only (no verification): verified=false, error NO_COLLATERAL (or the parse error).
QuoteVerdict inspect_tdx_quote(ByteView quote);

}  // namespace cbx::attest
