#include "controllers/epoch/dcap_quote_chain.h"

#include <vector>

#include "cbx/attest/quote_verifier.h"
#include "cbx/base/log.h"
#include "cbx/crypto/hash.h"

namespace cbx::op {

DcapQuoteChain::DcapQuoteChain(attest::CollateralSource& source, attest::TrustAnchors anchors)
    : source_(source), anchors_(std::move(anchors)) {}

void DcapQuoteChain::note(const attest::PlatformId& platform, const attest::Collateral& collateral,
                          bool add) {
  auto digest = hex_encode(sha256(as_bytes(attest::collateral_to_json(collateral))));
  std::lock_guard lock(mu_);
  auto key = platform.fmspc + "/" + platform.ca;
  auto it = seen_.find(key);
  if (it == seen_.end()) {
    if (!add) return;
    it = seen_.emplace(key, Seen{platform, ""}).first;
  }
  if (it->second.digest != digest) {
    it->second.digest = digest;
    generation_ = hex_encode(sha256(as_bytes(generation_ + digest)));
  }
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
  auto collateral = source_.collateral_for(*platform, now);
  if (!collateral) return collateral.error();  // no verdict: PCCS down or answering garbage
  auto v = attest::verify_tdx_quote(quote, *collateral, now, anchors_);
  note(*platform, *collateral, v.verified);
  out.verified = v.verified;
  out.tcb_status = v.tcb_status == attest::TcbStatus::Unknown
                       ? ""
                       : std::string(attest::to_string(v.tcb_status));
  out.advisory_ids = v.advisory_ids;
  if (!v.trust_anchor.empty()) out.trust_anchor = v.trust_anchor;
  out.collateral_issue_date = v.collateral_issue_date;
  out.collateral_next_update = v.collateral_next_update;
  if (v.error) {
    out.error_code = v.error->code;
    out.error_message = v.error->message;
  }
  return out;
}

// Asks the source again for every platform verified so far: its cache answers until the
// collateral's next update or max age, then a refetch that brings other documents (a TCB
// recovery) changes the generation, and the epoch controller re-verifies every epoch.
void DcapQuoteChain::refresh(SysTime now) {
  std::vector<attest::PlatformId> platforms;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, seen] : seen_) platforms.push_back(seen.platform);
  }
  for (const auto& platform : platforms) {
    auto collateral = source_.collateral_for(platform, now);
    if (collateral) {
      note(platform, *collateral, true);
    } else {
      log::warn("collateral refresh failed",
                {{"fmspc", platform.fmspc}, {"error", collateral.error().message}});
    }
  }
}

std::string DcapQuoteChain::collateral_generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

Result<std::string> DcapQuoteChain::collateral_json(ByteView quote, SysTime now) {
  auto platform = attest::platform_of_quote(quote);
  if (!platform) return platform.error();
  auto collateral = source_.collateral_for(*platform, now);
  if (!collateral) return collateral.error();
  note(*platform, *collateral, false);
  return attest::collateral_to_json(*collateral);
}

}  // namespace cbx::op
