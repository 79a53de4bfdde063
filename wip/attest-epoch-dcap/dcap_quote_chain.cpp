#include "clients/dcap_quote_chain.h"

#include "cbx/attest/quote_verifier.h"
#include "cbx/crypto/hash.h"

namespace cbx::op {

DcapQuoteChain::DcapQuoteChain(attest::CollateralSource& source, attest::TrustAnchors anchors)
    : source_(source), anchors_(std::move(anchors)) {}

Result<attest::Collateral> DcapQuoteChain::collateral_of(ByteView quote, SysTime now) {
  auto platform = attest::platform_of_quote(quote);
  if (!platform) return platform.error();
  auto collateral = source_.collateral_for(*platform, now);
  if (!collateral) return collateral.error();
  auto digest = hex_encode(sha256(as_bytes(attest::collateral_to_json(*collateral))));
  std::lock_guard lock(mu_);
  auto& seen = seen_[platform->fmspc + "/" + platform->ca];
  if (seen != digest) {
    seen = digest;
    generation_ = hex_encode(sha256(as_bytes(generation_ + digest)));
  }
  return collateral;
}

Result<ChainVerdict> DcapQuoteChain::verify(ByteView quote, SysTime now) {
  ChainVerdict out;
  out.trust_anchor = anchors_.name;
  auto platform = attest::platform_of_quote(quote);
  if (!platform) {  // a quote without a usable PCK certificate is refused, not "unavailable"
    out.error_code = platform.error().code;
    out.error_message = platform.error().message;
    return out;
  }
  auto collateral = collateral_of(quote, now);
  if (!collateral) return collateral.error();  // no verdict: PCCS down or answering garbage
  auto v = attest::verify_tdx_quote(quote, *collateral, now, anchors_);
  out.verified = v.verified;
  out.tcb_status = v.tcb_status == attest::TcbStatus::Unknown ? ""
                                                              : std::string(to_string(v.tcb_status));
  out.advisory_ids = v.advisory_ids;
  if (!v.trust_anchor.empty()) out.trust_anchor = v.trust_anchor;
  out.collateral_next_update = v.collateral_next_update;
  if (v.error) {
    out.error_code = v.error->code;
    out.error_message = v.error->message;
  }
  return out;
}

std::string DcapQuoteChain::collateral_generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

Result<std::string> DcapQuoteChain::collateral_json(ByteView quote, SysTime now) {
  auto collateral = collateral_of(quote, now);
  if (!collateral) return collateral.error();
  return attest::collateral_to_json(*collateral);
}

}  // namespace cbx::op
