#pragma once
// The operator's quote chain check (controllers/epoch/quote_chain.h) in-process: collateral from
// a PCCS (cached until its next update or max age), verify_tdx_quote against the pinned root
// (Intel's; a test root only through the test-only operator flag, and the verdict names it).
#include <map>
#include <mutex>
#include <string>

#include "cbx/attest/collateral_source.h"
#include "cbx/attest/trust_anchors.h"
#include "controllers/epoch/quote_chain.h"

namespace cbx::op {

class DcapQuoteChain : public QuoteChainVerifier {
 public:
  // The source must outlive this object.
  DcapQuoteChain(attest::CollateralSource& source, attest::TrustAnchors anchors);

  Result<ChainVerdict> verify(ByteView quote, SysTime now) override;
  void refresh(SysTime now) override;
  std::string collateral_generation() const override;
  Result<std::string> collateral_json(ByteView quote, SysTime now) override;

 private:
  // Moves the generation on when `collateral` differs from the one last seen for `platform`.
  // Only platforms whose quote verified to the pinned root are added (`add`): a signer cannot
  // make the operator keep asking the PCCS for platforms it forged.
  void note(const attest::PlatformId& platform, const attest::Collateral& collateral, bool add);

  struct Seen {
    attest::PlatformId platform;
    std::string digest;  // of the collateral last used for it
  };
  attest::CollateralSource& source_;
  attest::TrustAnchors anchors_;
  mutable std::mutex mu_;
  std::map<std::string, Seen> seen_;  // by fmspc/ca; platforms with a verified quote only
  std::string generation_;
};

}  // namespace cbx::op
