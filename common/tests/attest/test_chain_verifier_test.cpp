// Each verification rule, on quotes and collateral made by the test PKI (tests/support/attest):
// the chain is ours, so every field can be chosen and every signature remade.
#include <gtest/gtest.h>

#include "attest/test_chain.h"
#include "attest_fixtures.h"
#include "cbx/attest/quote_verifier.h"

namespace cbx::attest {
namespace {

using testing::CollateralSpec;
using testing::QuoteSpec;
using testing::TestChain;

class TestChainVerifier : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    chain_ = new TestChain(TestChain::create(test::at("2026-01-01T00:00:00Z")));
  }
  static void TearDownTestSuite() { delete chain_; }

  static SysTime now() { return test::at("2026-06-01T00:00:00Z"); }
  static CollateralSpec spec(TcbStatus status = TcbStatus::UpToDate,
                             std::vector<std::string> advisories = {}) {
    return chain_->collateral_spec(status, test::at("2026-05-20T00:00:00Z"),
                                   test::at("2026-06-20T00:00:00Z"), std::move(advisories));
  }
  static QuoteSpec quote_spec() {
    QuoteSpec q;
    q.report_data.fill(0x11);
    q.mrtd.fill(0x22);
    for (std::size_t i = 0; i < 4; ++i) q.rtmr[i].fill(static_cast<std::uint8_t>(0x30 + i));
    return q;
  }
  static QuoteVerdict verify(const QuoteSpec& q, const CollateralSpec& c, SysTime at = now()) {
    return verify_tdx_quote(chain_->quote(q), chain_->collateral(c), at, chain_->anchors());
  }

  static TestChain* chain_;
};
TestChain* TestChainVerifier::chain_ = nullptr;

void expect_refused(const QuoteVerdict& v, const char* code) {
  EXPECT_FALSE(v.verified);
  ASSERT_TRUE(v.error.has_value());
  EXPECT_EQ(v.error->code, code) << v.error->message;
}

TEST_F(TestChainVerifier, ForgedQuoteVerifiesWithTheTestAnchorAndCarriesItsFields) {
  auto v = verify(quote_spec(), spec());
  ASSERT_FALSE(v.error.has_value()) << v.error->code << ": " << v.error->message;
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.trust_anchor, "test");
  EXPECT_EQ(v.tcb_status, TcbStatus::UpToDate);
  ASSERT_TRUE(v.report.has_value());
  EXPECT_EQ(v.report->report_data, quote_spec().report_data);
  EXPECT_EQ(v.report->mrtd, quote_spec().mrtd);
  EXPECT_EQ(v.report->rtmr[3], quote_spec().rtmr[3]);
  EXPECT_EQ(v.fmspc, "00806F050000");
}

// What the operator's --insecure-test-root-ca and the CLI's --test-root-ca read: one PEM
// certificate, strictly; anything else is refused rather than pinning nothing (or two roots).
TEST_F(TestChainVerifier, TestAnchorFromPemTakesExactlyOneCertificate) {
  auto anchors = TrustAnchors::test_from_pem(chain_->root_pem());
  ASSERT_TRUE(anchors) << anchors.error().message;
  EXPECT_EQ(anchors->name, "test");
  EXPECT_EQ(anchors->root_ca_der, chain_->root_der());
  auto v =
      verify_tdx_quote(chain_->quote(quote_spec()), chain_->collateral(spec()), now(), *anchors);
  EXPECT_TRUE(v.verified) << (v.error ? v.error->message : "");
  EXPECT_EQ(TrustAnchors::test_from_pem(chain_->root_pem(), "intel")->name, "test");

  std::string damaged = chain_->root_pem();
  damaged[damaged.size() / 2] = '*';
  for (const std::string& bad : {std::string(), std::string("not a certificate"),
                                 chain_->root_pem() + chain_->root_pem(), damaged}) {
    auto refused = TrustAnchors::test_from_pem(bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "BAD_TRUST_ANCHOR");
  }
}

TEST_F(TestChainVerifier, ForgedQuoteIsRefusedUnderTheIntelRoot) {
  auto v = verify_tdx_quote(chain_->quote(quote_spec()), chain_->collateral(spec()), now());
  expect_refused(v, "BAD_CERT_CHAIN");
  EXPECT_EQ(v.trust_anchor, "intel");
}

TEST_F(TestChainVerifier, StatusAndAdvisoriesComeFromTheCollateral) {
  for (TcbStatus s : {TcbStatus::SWHardeningNeeded, TcbStatus::ConfigurationNeeded,
                      TcbStatus::ConfigurationAndSWHardeningNeeded, TcbStatus::OutOfDate,
                      TcbStatus::OutOfDateConfigurationNeeded}) {
    auto v = verify(quote_spec(), spec(s, {"INTEL-SA-00837", "INTEL-SA-00960"}));
    EXPECT_TRUE(v.verified) << to_string(s);
    EXPECT_EQ(v.tcb_status, s);
    EXPECT_EQ(v.advisory_ids, (std::vector<std::string>{"INTEL-SA-00837", "INTEL-SA-00960"}));
  }
}

TEST_F(TestChainVerifier, RevokedTcbIsRefusedButReported) {
  auto v = verify(quote_spec(), spec(TcbStatus::Revoked));
  expect_refused(v, "TCB_REVOKED");
  EXPECT_EQ(v.tcb_status, TcbStatus::Revoked);
}

TEST_F(TestChainVerifier, NewCollateralTurnsTheSamePlatformOutOfDate) {
  Bytes quote = chain_->quote(quote_spec());
  auto before = verify_tdx_quote(quote, chain_->collateral(spec()), now(), chain_->anchors());
  // A TCB recovery: the platform's SVNs now only meet an OutOfDate level.
  CollateralSpec recovered = spec();
  auto newer = recovered.tcb_levels.front();
  newer.tdx_components[0] += 1;
  recovered.tcb_levels.front().status = TcbStatus::OutOfDate;
  recovered.tcb_levels.insert(recovered.tcb_levels.begin(), newer);
  auto after = verify_tdx_quote(quote, chain_->collateral(recovered), now(), chain_->anchors());
  EXPECT_EQ(before.tcb_status, TcbStatus::UpToDate);
  EXPECT_TRUE(after.verified);
  EXPECT_EQ(after.tcb_status, TcbStatus::OutOfDate);
}

TEST_F(TestChainVerifier, FirstLevelThePlatformMeetsWins) {
  CollateralSpec c = spec(TcbStatus::SWHardeningNeeded);
  auto higher = c.tcb_levels.front();
  higher.sgx_components[3] += 1;  // CPU SVN component above the platform's
  higher.status = TcbStatus::UpToDate;
  c.tcb_levels.insert(c.tcb_levels.begin(), higher);
  auto v = verify(quote_spec(), c);
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.tcb_status, TcbStatus::SWHardeningNeeded);

  QuoteSpec q = quote_spec();
  q.tee_tcb_svn[2] = 9;  // TD above every level: still meets the first level it reaches
  c = spec();
  v = verify(q, c);
  EXPECT_TRUE(v.verified);
}

TEST_F(TestChainVerifier, NoLevelWhenThePlatformIsBelowEveryLevel) {
  QuoteSpec q = quote_spec();
  q.tee_tcb_svn[0] = 4;  // TDX module SVN below the only level
  expect_refused(verify(q, spec()), "NO_TCB_LEVEL");
  CollateralSpec c = spec();
  c.tcb_levels.front().pce_svn += 1;
  expect_refused(verify(quote_spec(), c), "NO_TCB_LEVEL");
}

TEST_F(TestChainVerifier, TcbInfoForAnotherFmspcIsRefused) {
  CollateralSpec c = spec();
  c.fmspc = std::array<std::uint8_t, 6>{0x00, 0x90, 0x6E, 0xD5, 0x00, 0x00};
  expect_refused(verify(quote_spec(), c), "FMSPC_MISMATCH");
}

TEST_F(TestChainVerifier, QeStatusMergesWithThePlatformStatus) {
  CollateralSpec c = spec(TcbStatus::UpToDate, {"INTEL-SA-00001"});
  c.qe_levels = {{8, TcbStatus::UpToDate, {}}, {4, TcbStatus::OutOfDate, {"INTEL-SA-00002"}}};
  auto v = verify(quote_spec(), c);
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.tcb_status, TcbStatus::OutOfDate);
  EXPECT_EQ(v.platform_tcb_status, TcbStatus::UpToDate);
  EXPECT_EQ(v.qe_tcb_status, TcbStatus::OutOfDate);
  EXPECT_EQ(v.advisory_ids, (std::vector<std::string>{"INTEL-SA-00001", "INTEL-SA-00002"}));
}

TEST_F(TestChainVerifier, QeBelowEveryQeLevelOrWithAnotherSignerIsRefused) {
  QuoteSpec q = quote_spec();
  q.qe_isv_svn = 3;
  expect_refused(verify(q, spec()), "QE_IDENTITY_MISMATCH");
  q = quote_spec();
  q.qe_mr_signer_set = true;
  q.qe_mr_signer.fill(0x01);
  expect_refused(verify(q, spec()), "QE_IDENTITY_MISMATCH");
}

TEST_F(TestChainVerifier, RevokedPckOrTcbSigningCertificateIsRefused) {
  CollateralSpec c = spec();
  c.revoke_pck_leaf = true;
  expect_refused(verify(quote_spec(), c), "CERT_REVOKED");
  c = spec();
  c.revoke_tcb_signer = true;
  expect_refused(verify(quote_spec(), c), "CERT_REVOKED");
}

TEST_F(TestChainVerifier, CrlsFromAnotherPkiDoNotCountAsChecked) {
  TestChain other = TestChain::create(test::at("2026-01-01T00:00:00Z"));
  Collateral c = chain_->collateral(spec());
  Collateral foreign = other.collateral(other.collateral_spec(
      TcbStatus::UpToDate, test::at("2026-05-20T00:00:00Z"), test::at("2026-06-20T00:00:00Z")));
  c.pck_crl = foreign.pck_crl;
  auto v = verify_tdx_quote(chain_->quote(quote_spec()), c, now(), chain_->anchors());
  expect_refused(v, "BAD_CERT_CHAIN");
}

TEST_F(TestChainVerifier, QuoteFromAnotherPkiIsRefused) {
  TestChain other = TestChain::create(test::at("2026-01-01T00:00:00Z"));
  auto v = verify_tdx_quote(other.quote(quote_spec()), chain_->collateral(spec()), now(),
                            chain_->anchors());
  expect_refused(v, "BAD_CERT_CHAIN");
}

TEST_F(TestChainVerifier, CollateralWindowBoundsAreInclusive) {
  CollateralSpec c = spec();
  EXPECT_TRUE(verify(quote_spec(), c, c.issue_date).verified);
  EXPECT_TRUE(verify(quote_spec(), c, c.next_update).verified);
  expect_refused(verify(quote_spec(), c, c.issue_date - std::chrono::seconds(1)),
                 "COLLATERAL_NOT_YET_VALID");
  expect_refused(verify(quote_spec(), c, c.next_update + std::chrono::seconds(1)),
                 "COLLATERAL_EXPIRED");
}

TEST_F(TestChainVerifier, CertificatesNotYetValidAreRefused) {
  TestChain young = TestChain::create(test::at("2026-06-10T00:00:00Z"));
  auto c = young.collateral(young.collateral_spec(
      TcbStatus::UpToDate, test::at("2026-05-20T00:00:00Z"), test::at("2026-06-20T00:00:00Z")));
  auto v = verify_tdx_quote(young.quote(quote_spec()), c, now(), young.anchors());
  expect_refused(v, "BAD_CERT_CHAIN");
}

TEST_F(TestChainVerifier, DebugOrReservedOrVeEnabledTdsAreRefused) {
  QuoteSpec q = quote_spec();
  q.td_attributes[0] = 0x01;  // DEBUG
  expect_refused(verify(q, spec()), "TD_ATTRIBUTES");
  q = quote_spec();
  q.td_attributes[3] = 0x00;  // SEPT_VE_DISABLE clear
  expect_refused(verify(q, spec()), "TD_ATTRIBUTES");
  q = quote_spec();
  q.td_attributes[5] = 0x01;  // reserved
  expect_refused(verify(q, spec()), "TD_ATTRIBUTES");
  q = quote_spec();
  q.td_attributes[7] = 0x80;  // PERFMON is allowed
  EXPECT_TRUE(verify(q, spec()).verified);
}

TEST_F(TestChainVerifier, StatusStringIntelNeverDefinedIsRefused) {
  CollateralSpec c = spec();
  c.tcb_levels.front().status_text = "UpToDateish";
  auto v = verify(quote_spec(), c);
  expect_refused(v, "NO_TCB_LEVEL");
  EXPECT_EQ(v.tcb_status, TcbStatus::Unknown);
}

TEST_F(TestChainVerifier, SavedChainLoadsAndStillVerifies) {
  auto dir =
      std::filesystem::temp_directory_path() / ("cbx-test-chain-" + std::to_string(::getpid()));
  ASSERT_TRUE(chain_->save(dir).ok());
  auto loaded = TestChain::load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto v = verify_tdx_quote(loaded->quote(quote_spec()), chain_->collateral(spec()), now(),
                            chain_->anchors());
  EXPECT_TRUE(v.verified);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cbx::attest
