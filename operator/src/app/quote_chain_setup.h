#pragma once
// Builds the operator's in-process quote verification from its flags: a PCCS collateral source
// (--pccs-url, --collateral-max-age) and the trust anchor: Intel's pinned root, or — TESTS ONLY,
// --insecure-test-root-ca — another root, which every verdict then names ("test") in status.
#include <memory>

#include "app/operator_app.h"
#include "cbx/attest/collateral_source.h"
#include "cbx/http/client.h"
#include "controllers/epoch/dcap_quote_chain.h"

namespace cbx::op {

struct QuoteChainSetup {
  std::unique_ptr<http::HttpTransport> transport;
  std::unique_ptr<attest::PccsCollateralSource> pccs;
  std::unique_ptr<DcapQuoteChain> verifier;
};

Result<QuoteChainSetup> make_quote_chain(const OperatorOptions& options);

}  // namespace cbx::op
