#include "cbx/base/encoding.h"

#include <gtest/gtest.h>

namespace cbx {
namespace {

TEST(EncodingTest, HexRoundTripsAndRejectsOddOrNonHex) {
  Bytes b{0x00, 0xab, 0xff};
  EXPECT_EQ(hex_encode(b), "00abff");
  EXPECT_EQ(hex_decode("00ABff"), b);
  EXPECT_EQ(hex_decode("0x00abff"), b);
  EXPECT_FALSE(hex_decode("abc"));
  EXPECT_FALSE(hex_decode("zz"));
}

TEST(EncodingTest, Base64MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : cases) {
    EXPECT_EQ(base64_encode(as_bytes(plain)), encoded);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(to_string(*decoded), plain);
  }
  EXPECT_EQ(to_string(*base64_decode("Zm8")), "fo");  // unpadded accepted
  EXPECT_FALSE(base64_decode("Zm9v!"));
  EXPECT_FALSE(base64_decode("Z"));
  EXPECT_FALSE(base64_decode("Zh=="));  // non-canonical trailing bits
}

TEST(EncodingTest, Base32MatchesRfc4648VectorsLowercaseUnpadded) {
  EXPECT_EQ(base32_encode(as_bytes("foobar")), "mzxw6ytboi");
  EXPECT_EQ(base32_encode(as_bytes("f")), "my");
  EXPECT_EQ(to_string(*base32_decode("MZXW6YTBOI")), "foobar");
  EXPECT_FALSE(base32_decode("m1"));
}

TEST(EncodingTest, Base58AndBase36KeepLeadingZeros) {
  Bytes b{0x00, 0x00, 0x01, 0x02};
  EXPECT_EQ(base58btc_encode(b), "115T");
  EXPECT_EQ(base58btc_decode("115T"), b);
  EXPECT_EQ(base58btc_encode(as_bytes("hello world")), "StV1DL6CwTryKyV");
  EXPECT_EQ(base36_decode(base36_encode(b)), b);
  EXPECT_EQ(base36_encode(Bytes{0x01, 0x00}), "74");
  EXPECT_FALSE(base58btc_decode("0OIl"));
}

TEST(EncodingTest, VarintRoundTripsAndRejectsTruncation) {
  for (std::uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 9007199254740993ull, ~0ull}) {
    Bytes out;
    varint_append(out, v);
    std::size_t pos = 0;
    EXPECT_EQ(varint_read(out, pos), v);
    EXPECT_EQ(pos, out.size());
  }
  Bytes truncated{0x80, 0x80};
  std::size_t pos = 0;
  EXPECT_FALSE(varint_read(truncated, pos));
}

}  // namespace
}  // namespace cbx
