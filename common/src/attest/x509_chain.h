#pragma once
// Certificate chain checks for the PCK and TCB signing chains: the chain (leaf first, as the
// quote and the collateral list it) must end in the pinned anchor, every certificate valid at
// `now`, none revoked by the given CRLs (each CRL signed by its issuer and current at `now`; every
// issuing CA of the chain must have one), and the leaf must not be a CA.
#include <vector>

#include "attest/openssl_handles.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"

namespace cbx::attest::detail {

// Error codes: BAD_CERT_CHAIN (too short, untrusted, expired, missing/expired/forged CRL),
// CERT_REVOKED (a CRL lists a certificate of the chain, or the anchor itself).
Status verify_chain(const std::vector<X509Ptr>& chain, X509* anchor,
                    const std::vector<X509_CRL*>& crls, SysTime now);

}  // namespace cbx::attest::detail
