// PccsCollateralSource against a PCCS on loopback (tests/support/attest/test_pccs), through the
// real Beast client: what it fetches verifies, it caches until next update / max age, and
// PCCS failures are errors, never stale-but-trusted data.
#include "cbx/attest/collateral_source.h"

#include <gtest/gtest.h>

#include "attest/test_chain.h"
#include "attest/test_pccs.h"
#include "attest_fixtures.h"
#include "cbx/attest/quote_verifier.h"
#include "cbx/http/beast_client.h"

namespace cbx::attest {
namespace {

using testing::TestChain;
using testing::TestPccs;

class PccsSource : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_ = std::make_unique<TestChain>(TestChain::create(test::at("2026-01-01T00:00:00Z")));
    auto url = pccs_.start();
    ASSERT_TRUE(url.ok());
    url_ = *url;
    auto client = http::make_beast_client({});
    ASSERT_TRUE(client.ok());
    transport_ = std::move(*client);
    served_ = collateral(TcbStatus::UpToDate);
    pccs_.set_collateral(served_);
  }
  Collateral collateral(TcbStatus status) {
    return chain_->collateral(chain_->collateral_spec(status, test::at("2026-05-20T00:00:00Z"),
                                                      test::at("2026-06-20T00:00:00Z")));
  }
  PlatformId platform() { return *platform_of_quote(chain_->quote({})); }
  static SysTime now() { return test::at("2026-06-01T00:00:00Z"); }

  std::unique_ptr<TestChain> chain_;
  Collateral served_;  // signatures are randomized: compare with what was served
  TestPccs pccs_;
  std::string url_;
  std::unique_ptr<http::HttpTransport> transport_;
};

TEST_F(PccsSource, FetchedCollateralIsByteExactAndVerifies) {
  PccsCollateralSource source(*transport_, {url_ + "/sgx/certification/v4/"});
  auto c = source.collateral_for(platform(), now());
  ASSERT_TRUE(c.ok()) << c.error().code << ": " << c.error().message;
  EXPECT_EQ(c->tcb_info, served_.tcb_info);
  EXPECT_EQ(c->tcb_info_signature, served_.tcb_info_signature);
  EXPECT_EQ(c->qe_identity, served_.qe_identity);
  EXPECT_EQ(c->qe_identity_signature, served_.qe_identity_signature);
  EXPECT_EQ(c->tcb_info_issuer_chain, served_.tcb_info_issuer_chain);
  EXPECT_EQ(c->qe_identity_issuer_chain, served_.qe_identity_issuer_chain);
  EXPECT_EQ(c->pck_crl_issuer_chain, served_.pck_crl_issuer_chain);
  EXPECT_EQ(c->root_ca_crl, served_.root_ca_crl);
  EXPECT_EQ(c->pck_crl, served_.pck_crl);
  auto v = verify_tdx_quote(chain_->quote({}), *c, now(), chain_->anchors());
  EXPECT_TRUE(v.verified) << (v.error ? v.error->message : "");
}

TEST_F(PccsSource, CachesUntilMaxAgeThenSeesNewCollateral) {
  PccsCollateralSource source(*transport_, {url_, std::chrono::seconds(600)});
  ASSERT_TRUE(source.collateral_for(platform(), now()).ok());
  std::size_t after_first = pccs_.requests();
  EXPECT_EQ(after_first, 4u);
  pccs_.set_collateral(collateral(TcbStatus::OutOfDate));
  auto cached = source.collateral_for(platform(), now() + std::chrono::seconds(599));
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(pccs_.requests(), after_first);
  auto v = verify_tdx_quote(chain_->quote({}), *cached, now(), chain_->anchors());
  EXPECT_EQ(v.tcb_status, TcbStatus::UpToDate);

  auto fresh = source.collateral_for(platform(), now() + std::chrono::seconds(601));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(pccs_.requests(), after_first + 4);
  v = verify_tdx_quote(chain_->quote({}), *fresh, now(), chain_->anchors());
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.tcb_status, TcbStatus::OutOfDate);
}

TEST_F(PccsSource, RefetchesAfterNextUpdateAndAfterClear) {
  PccsCollateralSource source(*transport_, {url_, std::chrono::hours(24 * 365)});
  ASSERT_TRUE(source.collateral_for(platform(), now()).ok());
  ASSERT_TRUE(source.collateral_for(platform(), test::at("2026-06-21T00:00:00Z")).ok());
  EXPECT_EQ(pccs_.requests(), 8u);
  source.clear();
  ASSERT_TRUE(source.collateral_for(platform(), test::at("2026-06-21T00:00:00Z")).ok());
  EXPECT_EQ(pccs_.requests(), 12u);
}

TEST_F(PccsSource, UnknownPlatformAndDeadPccsAreErrors) {
  PccsCollateralSource source(*transport_, {url_});
  PlatformId other = platform();
  other.fmspc = "00906ED50000";
  EXPECT_EQ(source.collateral_for(other, now()).error().code, "PCCS_UNAVAILABLE");
  other.fmspc = "../../x";
  EXPECT_EQ(source.collateral_for(other, now()).error().code, "BAD_COLLATERAL");
  pccs_.stop();
  source.clear();
  EXPECT_EQ(source.collateral_for(platform(), now()).error().code, "PCCS_UNAVAILABLE");
}

TEST(PlatformOfQuote, SampleQuoteNamesItsFmspcAndCa) {
  auto id = platform_of_quote(test::sample_quote());
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->fmspc, "B0C06F000000");
  EXPECT_EQ(id->ca, "platform");
}

}  // namespace
}  // namespace cbx::attest
