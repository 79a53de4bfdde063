// The captured dcap-qvl sample against the pinned Intel root: the reference verdicts of
// tests/vectors/attestation/README.md, and one-bit tampering of each signed part.
#include <gtest/gtest.h>

#include "attest_fixtures.h"
#include "cbx/attest/quote_verifier.h"

namespace cbx::attest {
namespace {

using test::at;

TEST(SampleQuote, VerifiesUpToDateInsideItsCollateralWindow) {
  auto v = verify_tdx_quote(test::sample_quote(), test::sample_collateral(), test::sample_time());
  ASSERT_FALSE(v.error.has_value()) << v.error->code << ": " << v.error->message;
  EXPECT_TRUE(v.verified);
  EXPECT_EQ(v.tcb_status, TcbStatus::UpToDate);
  EXPECT_TRUE(v.advisory_ids.empty());
  EXPECT_EQ(v.trust_anchor, "intel");
  EXPECT_EQ(v.fmspc, "B0C06F000000");
  ASSERT_TRUE(v.collateral_next_update.has_value());
  EXPECT_EQ(format_rfc3339(*v.collateral_next_update), "2025-07-19T10:16:03Z");
  ASSERT_TRUE(v.report.has_value());
  EXPECT_EQ(hex_encode(v.report->mrtd).substr(0, 8), "91eb2b44");
}

TEST(SampleQuote, RefusedBeforeTheTcbInfoIssueDate) {
  auto v =
      verify_tdx_quote(test::sample_quote(), test::sample_collateral(), at("2025-06-15T00:00:00Z"));
  EXPECT_FALSE(v.verified);
  ASSERT_TRUE(v.error.has_value());
  EXPECT_EQ(v.error->code, "COLLATERAL_NOT_YET_VALID");
}

TEST(SampleQuote, RefusedAfterTheCollateralNextUpdate) {
  auto v =
      verify_tdx_quote(test::sample_quote(), test::sample_collateral(), at("2025-12-06T00:00:00Z"));
  EXPECT_FALSE(v.verified);
  ASSERT_TRUE(v.error.has_value());
  EXPECT_EQ(v.error->code, "COLLATERAL_EXPIRED");
}

struct Flip {
  const char* name;
  std::size_t offset;
  const char* code;
};

class SampleQuoteTampered : public ::testing::TestWithParam<Flip> {};

TEST_P(SampleQuoteTampered, OneFlippedBitIsRefused) {
  Bytes quote = test::sample_quote();
  quote[GetParam().offset] ^= 0x01;
  auto v = verify_tdx_quote(quote, test::sample_collateral(), test::sample_time());
  EXPECT_FALSE(v.verified);
  ASSERT_TRUE(v.error.has_value());
  EXPECT_EQ(v.error->code, GetParam().code) << v.error->message;
}

// Offsets: report data 568, MRTD 184, attestation signature 636, attestation key 700,
// QE report 770 (its report data at 770+320), QE report signature 1154, a byte inside the PCK
// leaf certificate's base64 (well inside the PEM text that starts after the auth data).
INSTANTIATE_TEST_SUITE_P(Parts, SampleQuoteTampered,
                         ::testing::Values(Flip{"ReportData", 600, "BAD_SIGNATURE"},
                                           Flip{"Mrtd", 200, "BAD_SIGNATURE"},
                                           Flip{"TeeTcbSvn", 49, "BAD_SIGNATURE"},
                                           Flip{"AttestationSignature", 640, "BAD_SIGNATURE"},
                                           Flip{"AttestationKey", 710, "QE_REPORT_BINDING"},
                                           Flip{"QeReportIsvSvn", 770 + 258, "BAD_SIGNATURE"},
                                           Flip{"QeReportData", 770 + 330, "BAD_SIGNATURE"},
                                           Flip{"QeReportSignature", 1160, "BAD_SIGNATURE"}),
                         [](const auto& info) { return std::string(info.param.name); });

// The quote's copy of the root CA is not what is trusted, but a damaged copy still means a
// damaged chain: refused, as the reference refuses it (found by the parity suite's random flips).
TEST(SampleQuote, DamagedRootCopyInThePckChainIsRefused) {
  Bytes quote = test::sample_quote();
  const std::size_t padding_char = 4907;  // the root copy's final base64 '=' padding
  ASSERT_EQ(quote[padding_char], '=');
  quote[padding_char] = '9';  // decodes to one more byte after the DER
  auto v = verify_tdx_quote(quote, test::sample_collateral(), test::sample_time());
  EXPECT_FALSE(v.verified);
  quote = test::sample_quote();
  quote[4700] = quote[4700] == '%' ? '&' : '%';  // not base64 at all
  v = verify_tdx_quote(quote, test::sample_collateral(), test::sample_time());
  EXPECT_FALSE(v.verified);
}

// A vertical tab (one flipped bit of a line break) is not a PEM line break: OpenSSL's base64
// decoder skips it as white space, dcap-qvl reads the block differently and refuses the chain
// (found by interop.dcap-parity's random flips, seed 12139621269174933739).
TEST(SampleQuote, PemBodyWithAControlCharacterIsRefused) {
  Bytes quote = test::sample_quote();
  const std::size_t line_break = 3960;  // before the leaf's -----END CERTIFICATE-----
  ASSERT_EQ(quote[line_break], '\n');
  for (char c : {'\v', '\f', '\0'}) {
    quote[line_break] = static_cast<std::uint8_t>(c);
    auto v = verify_tdx_quote(quote, test::sample_collateral(), test::sample_time());
    EXPECT_FALSE(v.verified) << static_cast<int>(c);
  }
}

TEST(SampleQuote, TamperedTcbInfoOrItsSignatureIsRefused) {
  Collateral c = test::sample_collateral();
  c.tcb_info_signature[5] ^= 0x01;
  auto v = verify_tdx_quote(test::sample_quote(), c, test::sample_time());
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.error->code, "BAD_SIGNATURE");

  c = test::sample_collateral();
  auto pos = c.tcb_info.find("UpToDate");
  c.tcb_info[pos] = 'u';
  v = verify_tdx_quote(test::sample_quote(), c, test::sample_time());
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.error->code, "BAD_SIGNATURE");
}

TEST(SampleQuote, TamperedQeIdentitySignatureIsRefused) {
  Collateral c = test::sample_collateral();
  c.qe_identity_signature[40] ^= 0x80;
  auto v = verify_tdx_quote(test::sample_quote(), c, test::sample_time());
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.error->code, "BAD_SIGNATURE");
}

TEST(SampleQuote, TamperedCertificateInTheCollateralChainIsRefused) {
  Collateral c = test::sample_collateral();
  // A character inside the TCB signing certificate's signed part (line 5 of the PEM).
  auto pos = c.tcb_info_issuer_chain.find('\n', 200) + 10;
  c.tcb_info_issuer_chain[pos] = c.tcb_info_issuer_chain[pos] == 'A' ? 'B' : 'A';
  auto v = verify_tdx_quote(test::sample_quote(), c, test::sample_time());
  EXPECT_FALSE(v.verified);
  ASSERT_TRUE(v.error.has_value());
  EXPECT_EQ(v.error->code, "BAD_CERT_CHAIN");
}

TEST(SampleQuote, AnotherTrustAnchorRefusesIntelsChain) {
  // The PCK CA certificate as anchor: a real certificate, but not the chain's root.
  Collateral c = test::sample_collateral();
  auto anchor = TrustAnchors::test(Bytes{0x30, 0x00});
  auto v = verify_tdx_quote(test::sample_quote(), c, test::sample_time(), anchor);
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.trust_anchor, "test");
}

TEST(SampleQuote, CollateralForAnotherQuoteTypeIsRefused) {
  Collateral c = test::sample_collateral();
  c.pck_crl = {0x30, 0x03, 0x02, 0x01, 0x00};
  auto v = verify_tdx_quote(test::sample_quote(), c, test::sample_time());
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.error->code, "BAD_COLLATERAL");
}

TEST(SampleQuote, InspectParsesButNeverVerifies) {
  auto v = inspect_tdx_quote(test::sample_quote());
  EXPECT_FALSE(v.verified);
  ASSERT_TRUE(v.report.has_value());
  EXPECT_EQ(v.error->code, "NO_COLLATERAL");
}

TEST(IntelRoot, PinnedRootHashesToIntelsFingerprint) {
  const auto& intel = TrustAnchors::intel();
  EXPECT_EQ(intel.name, "intel");
  ASSERT_FALSE(intel.root_ca_der.empty());
  EXPECT_EQ(TrustAnchors::test(intel.root_ca_der, "intel").name, "test");
}

}  // namespace
}  // namespace cbx::attest
