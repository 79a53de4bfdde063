#include "cbx/attest/quote_v4.h"

#include <gtest/gtest.h>

#include "attest_fixtures.h"

namespace cbx::attest {
namespace {

TEST(QuoteV4, ParsesTheSampleQuoteIncludingItsSignatureData) {
  Bytes quote = test::sample_quote();
  auto q = parse_quote_v4(quote);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->header.version, 4);
  EXPECT_EQ(q->header.tee_type, 0x81u);
  EXPECT_EQ(hex_encode(q->report.mrtd),
            "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b25"
            "38873118b7");
  EXPECT_EQ(hex_encode(q->report.rtmr[0]),
            "44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b8492f827fe9d9e5c48aca29b220b80b6a540cf"
            "994b9bc9c0");
  EXPECT_EQ(hex_encode(q->report.tee_tcb_svn), "06010300000000000000000000000000");
  EXPECT_EQ(hex_encode(q->report.report_data).substr(0, 16), "9a9d48e7f6799642");
  EXPECT_EQ(q->signed_bytes.size(), 632u);
  EXPECT_EQ(q->qe_report_bytes.size(), 384u);
  EXPECT_EQ(q->qe_report.isv_prod_id, 2);
  EXPECT_NE(q->pck_chain_pem.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_EQ(q->pck_chain_pem.back(), '\n');  // trailing NULs stripped
}

TEST(QuoteV4, EveryTruncationIsRefusedWithoutReadingPastTheEnd) {
  Bytes quote = test::sample_quote();
  // The sample carries 70 padding bytes after its signature data; cutting those is fine.
  const std::size_t signed_end = 636 + 4300;
  for (std::size_t n = 0; n < signed_end; ++n) {
    auto q = parse_quote_v4(ByteView(quote).first(n));
    ASSERT_FALSE(q.ok()) << "length " << n;
  }
  EXPECT_TRUE(parse_quote_v4(ByteView(quote).first(signed_end)).ok());
}

TEST(QuoteV4, RefusesOtherVersionsTeeTypesKeyTypesAndCertificationData) {
  Bytes quote = test::sample_quote();
  auto with = [&](std::size_t offset, std::uint8_t value) {
    Bytes copy = quote;
    copy[offset] = value;
    return parse_quote_v4(copy);
  };
  EXPECT_EQ(with(0, 3).error().code, "UNSUPPORTED_QUOTE");          // version
  EXPECT_EQ(with(4, 0x00).error().code, "UNSUPPORTED_QUOTE");       // SGX tee type
  EXPECT_EQ(with(2, 3).error().code, "UNSUPPORTED_QUOTE");          // attestation key type
  EXPECT_EQ(with(636 + 128, 5).error().code, "UNSUPPORTED_QUOTE");  // outer cert data type
}

TEST(QuoteV4, RefusesLengthsThatOverrunTheirSection) {
  Bytes quote = test::sample_quote();
  Bytes copy = quote;
  copy[632 + 3] = 0x7F;  // signature data length far beyond the quote
  EXPECT_EQ(parse_quote_v4(copy).error().code, "BAD_QUOTE");
  copy = quote;
  copy[636 + 128 + 2 + 3] = 0x01;  // certification data size beyond signature data
  EXPECT_EQ(parse_quote_v4(copy).error().code, "BAD_QUOTE");
}

TEST(QuoteV4, QuoteFilesMayBeRawOrHex) {
  Bytes quote = test::sample_quote();
  std::string raw(quote.begin(), quote.end());
  EXPECT_EQ(decode_quote_file(raw), quote);
  EXPECT_EQ(decode_quote_file(hex_encode(quote) + "\n"), quote);
  EXPECT_EQ(decode_quote_file("0x" + hex_encode(quote)), quote);
  EXPECT_EQ(decode_quote_file("abc"), Bytes({'a', 'b', 'c'}));  // odd length: not hex
}

}  // namespace
}  // namespace cbx::attest
