// TDX quote parsing and full verification of arbitrary bytes against the captured sample's
// collateral (fuzz/seeds/attest_quote_fuzz/ holds the sample quote, so mutations reach every
// check). Must never crash or read out of bounds; the quote-file decoder sees the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "cbx/attest/collateral.h"
#include "cbx/attest/quote_verifier.h"

namespace {

const std::optional<cbx::attest::Collateral>& sample_collateral() {
  static const std::optional<cbx::attest::Collateral> collateral = [] {
    std::ifstream in(std::string(CBX_VECTORS_DIR) + "/attestation/tdx_quote_collateral.json");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = cbx::attest::parse_collateral_json(text.str());
    return parsed ? std::optional(*parsed) : std::nullopt;
  }();
  return collateral;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cbx::ByteView bytes(data, size);
  auto quote = cbx::attest::parse_quote_v4(bytes);
  if (quote) {
    if (quote->signed_bytes.size() != 632 || quote->qe_report_bytes.size() != 384) std::abort();
  }
  (void)cbx::attest::decode_quote_file(std::string_view(reinterpret_cast<const char*>(data), size));
  if (const auto& collateral = sample_collateral()) {
    auto verdict = cbx::attest::verify_tdx_quote(bytes, *collateral,
                                                 *cbx::parse_rfc3339("2025-06-25T00:00:00Z"));
    // Default deny: a verified verdict never carries an error, a refused one always does.
    if (verdict.verified == verdict.error.has_value()) std::abort();
  }
  return 0;
}
