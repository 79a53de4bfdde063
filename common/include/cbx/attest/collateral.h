#pragma once
// Quote verification collateral, the fields a PCCS serves (v4 TDX API), in the JSON shape that
// dcap-qvl's get_collateral() produces and its verify() takes:
//   {"pck_crl_issuer_chain": PEM, "root_ca_crl": hex DER, "pck_crl": hex DER,
//    "tcb_info_issuer_chain": PEM, "tcb_info": JSON text, "tcb_info_signature": hex r||s,
//    "qe_identity_issuer_chain": PEM, "qe_identity": JSON text, "qe_identity_signature": hex r||s}
// The byte fields may also be arrays of numbers (0..255), which dcap-qvl accepts too.
// tcb_info and qe_identity are kept as the exact signed text: their signatures cover those bytes.
#include <optional>
#include <string>
#include <string_view>

#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::attest {

struct Collateral {
  std::string pck_crl_issuer_chain;
  Bytes root_ca_crl;
  Bytes pck_crl;
  std::string tcb_info_issuer_chain;
  std::string tcb_info;
  Bytes tcb_info_signature;
  std::string qe_identity_issuer_chain;
  std::string qe_identity;
  Bytes qe_identity_signature;
};

// Error code BAD_COLLATERAL: not JSON, a field missing or of the wrong type, bad hex.
// Only the shape is checked here; signatures and contents are the verifier's job.
Result<Collateral> parse_collateral_json(std::string_view json);
std::string collateral_to_json(const Collateral& collateral);

// The window the collateral's signed documents state (not trusted until verified):
// issue = the later issueDate of TCB info and QE identity, next_update = the earlier nextUpdate.
struct CollateralWindow {
  SysTime issue_date;
  SysTime next_update;
};
Result<CollateralWindow> collateral_window(const Collateral& collateral);

}  // namespace cbx::attest
