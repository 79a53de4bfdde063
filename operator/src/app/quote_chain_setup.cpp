#include "app/quote_chain_setup.h"

#include <fstream>
#include <sstream>

#include "cbx/base/log.h"
#include "cbx/http/beast_client.h"

namespace cbx::op {
namespace {

Result<attest::TrustAnchors> test_anchors_of(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("BAD_FLAGS", "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto anchors = attest::TrustAnchors::test_from_pem(text.str());
  if (!anchors) return make_error("BAD_FLAGS", path + ": " + anchors.error().message);
  return anchors;
}

}  // namespace

Result<QuoteChainSetup> make_quote_chain(const OperatorOptions& options) {
  QuoteChainSetup setup;
  auto transport = http::make_beast_client({});
  if (!transport) return transport.error();
  setup.transport = std::move(*transport);
  attest::PccsOptions pccs;
  if (!options.pccs_url.empty()) pccs.base_url = options.pccs_url;
  pccs.max_age = std::chrono::seconds(options.collateral_max_age_seconds);
  setup.pccs = std::make_unique<attest::PccsCollateralSource>(*setup.transport, pccs);
  attest::TrustAnchors anchors = attest::TrustAnchors::intel();
  if (!options.insecure_test_root_ca.empty()) {
    auto test = test_anchors_of(options.insecure_test_root_ca);
    if (!test) return test.error();
    anchors = std::move(*test);
    log::warn(
        "INSECURE: quotes are verified against a TEST root CA, not Intel's; every epoch's "
        "status.attestation.trustAnchor says \"test\"",
        {{"file", options.insecure_test_root_ca}});
  }
  setup.verifier = std::make_unique<DcapQuoteChain>(*setup.pccs, std::move(anchors));
  log::info(
      "quote verification",
      {{"pccs", pccs.base_url}, {"collateralMaxAgeSeconds", options.collateral_max_age_seconds}});
  return setup;
}

}  // namespace cbx::op
