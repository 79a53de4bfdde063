// DcapQuoteChain: the operator's in-process quote verification, with quotes and collateral of the
// TEST DCAP PKI (tests/support/attest: real signatures through a test root; Intel's cannot be
// produced here) and collateral served from memory in place of a PCCS.
#include "controllers/epoch/dcap_quote_chain.h"

#include <gtest/gtest.h>

#include "attest/test_chain.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
namespace t = attest::testing;

SysTime at(const char* text) {
  return *parse_rfc3339(text);
}

struct MemorySource : attest::CollateralSource {
  std::optional<attest::Collateral> collateral;
  int calls = 0;
  Result<attest::Collateral> collateral_for(const attest::PlatformId&, SysTime) override {
    ++calls;
    if (!collateral) return make_error("PCCS_UNAVAILABLE", "connection refused");
    return *collateral;
  }
};

struct Fixture {
  SysTime t0 = at("2026-06-01T00:00:00Z");
  t::TestChain chain = t::TestChain::create(t0);
  Bytes quote = chain.quote(t::QuoteSpec{});
  MemorySource source;
  void serve(attest::TcbStatus status) {
    source.collateral = chain.collateral(chain.collateral_spec(status, t0, t0 + 720h));
  }
};

TEST(DcapQuoteChainTest, VerifiesThroughThePinnedRootAndReportsTheTcbStatus) {
  Fixture f;
  f.serve(attest::TcbStatus::UpToDate);
  DcapQuoteChain dcap(f.source, f.chain.anchors());
  EXPECT_EQ(dcap.collateral_generation(), "");
  auto v = dcap.verify(f.quote, f.t0 + 24h);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_TRUE(v->verified) << v->error_code << ": " << v->error_message;
  EXPECT_EQ(v->tcb_status, "UpToDate");
  EXPECT_EQ(v->trust_anchor, "test");
  ASSERT_TRUE(v->collateral_next_update);
  EXPECT_EQ(*v->collateral_next_update, f.t0 + 720h);
  auto first = dcap.collateral_generation();
  EXPECT_NE(first, "");

  // A TCB recovery: the PCCS now serves collateral under which the platform is OutOfDate.
  f.serve(attest::TcbStatus::OutOfDate);
  v = dcap.verify(f.quote, f.t0 + 48h);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->verified);  // the chain verifies; the epoch's accepted list decides
  EXPECT_EQ(v->tcb_status, "OutOfDate");
  EXPECT_NE(dcap.collateral_generation(), first);
  auto json = dcap.collateral_json(f.quote, f.t0 + 48h);
  ASSERT_TRUE(json);
  EXPECT_TRUE(attest::parse_collateral_json(*json));
}

// The epoch controller calls refresh() on every pass: new collateral for a platform verified
// before moves the generation on without any quote being verified (that is what triggers the
// re-verification of every epoch); unchanged collateral and a PCCS that is down do not.
TEST(DcapQuoteChainTest, RefreshSeesNewCollateralOfEveryPlatformVerifiedBefore) {
  Fixture f;
  f.serve(attest::TcbStatus::UpToDate);
  DcapQuoteChain dcap(f.source, f.chain.anchors());
  dcap.refresh(f.t0 + 24h);  // no platform seen yet: nothing to ask for
  EXPECT_EQ(f.source.calls, 0);
  ASSERT_TRUE(dcap.verify(f.quote, f.t0 + 24h));
  auto first = dcap.collateral_generation();
  dcap.refresh(f.t0 + 25h);
  EXPECT_EQ(f.source.calls, 2);
  EXPECT_EQ(dcap.collateral_generation(), first);

  f.source.collateral.reset();
  dcap.refresh(f.t0 + 26h);
  EXPECT_EQ(dcap.collateral_generation(), first);

  f.serve(attest::TcbStatus::OutOfDate);
  dcap.refresh(f.t0 + 27h);
  EXPECT_NE(dcap.collateral_generation(), first);
  auto v = dcap.verify(f.quote, f.t0 + 27h);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->tcb_status, "OutOfDate");
  ASSERT_TRUE(v->collateral_issue_date);
  EXPECT_EQ(*v->collateral_issue_date, f.t0);
}

TEST(DcapQuoteChainTest, IntelAnchorRefusesTheTestChainAndNoCollateralIsNoVerdict) {
  Fixture f;
  f.serve(attest::TcbStatus::UpToDate);
  DcapQuoteChain intel(f.source, attest::TrustAnchors::intel());
  auto v = intel.verify(f.quote, f.t0 + 24h);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->verified);
  EXPECT_EQ(v->trust_anchor, "intel");
  EXPECT_FALSE(v->error_code.empty());

  // A quote that does not verify to the pinned root does not make its platform one to refresh:
  // a signer cannot make the operator ask the PCCS for platforms of its choosing.
  int calls = f.source.calls;
  intel.refresh(f.t0 + 25h);
  EXPECT_EQ(f.source.calls, calls);
  EXPECT_EQ(intel.collateral_generation(), "");

  f.source.collateral.reset();
  DcapQuoteChain test(f.source, f.chain.anchors());
  auto none = test.verify(f.quote, f.t0 + 24h);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "PCCS_UNAVAILABLE");

  auto garbage = test.verify(Bytes(700, 0), f.t0);
  ASSERT_TRUE(garbage);
  EXPECT_FALSE(garbage->verified);
}

}  // namespace
}  // namespace cbx::op
