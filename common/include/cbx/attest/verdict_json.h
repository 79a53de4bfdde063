#pragma once
// A QuoteVerdict as the JSON object `cipherbox-republish attestation verify` prints:
//   {"verified", "tcbStatus" (string|null), "advisoryIds", "error" ({code,message}|null),
//    "mrtd", "rtmr0".."rtmr3", "reportData", "teeTcbSvn" (hex|null when the quote did not parse),
//    "fmspc" (hex|null), "trustAnchor", "collateralIssueDate", "collateralNextUpdate"
//    (RFC 3339|null), "platformTcbStatus", "qeTcbStatus" (string|null)}
#include <nlohmann/json.hpp>

#include "cbx/attest/quote_verifier.h"

namespace cbx::attest {

nlohmann::json verdict_to_json(const QuoteVerdict& verdict);

}  // namespace cbx::attest
