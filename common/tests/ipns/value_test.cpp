// ipns.json `valueNormalization`, and how stored Value bytes are read back.
#include "cbx/ipns/value.h"

#include <gtest/gtest.h>

#include "ipns_test_util.h"

namespace cbx::ipns {
namespace {

TEST(ValueTest, NormalizationTableIsFollowed) {
  const auto vectors = test::load_vectors("ipns.json");
  ASSERT_EQ(vectors.at("valueNormalization").size(), 11u);
  for (const auto& v : vectors.at("valueNormalization")) {
    SCOPED_TRACE(v.at("inputKind").get<std::string>());
    auto value = normalize_value(v.at("input").get<std::string>());
    if (v.at("storedValue").is_null()) {
      ASSERT_FALSE(value.ok());
      EXPECT_EQ(value.error().code, "INVALID_VALUE");
      EXPECT_EQ(value.error().message, v.at("error").at("message").get<std::string>());
    } else {
      ASSERT_TRUE(value.ok()) << value.error().message;
      EXPECT_EQ(*value, v.at("storedValue").get<std::string>());
    }
  }
}

TEST(ValueTest, LibP2pKeyCidBecomesAnIpnsPath) {
  auto value = normalize_value("bafzaajaiaejcaa5ba677htqqxyoxbxiy45f4bglh4tldbg5fbvpr3xegmqjfkmny");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "/ipns/k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj260");
}

TEST(ValueTest, BareCidsAreNotTrimmedAndOnlyJsMultibasesCount) {
  // CID.parse sees the untrimmed string, and without a decoder only Q…, z, b, k.
  EXPECT_FALSE(normalize_value(" bafkqaaa").ok());
  EXPECT_FALSE(normalize_value("f01550000").ok());
  EXPECT_FALSE(normalize_value("BAFKQAAA").ok());
  auto value = normalize_value("bafkqaaa");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "/ipfs/bafkqaaa");
}

TEST(ValueTest, UnicodeWhitespaceIsTrimmedLikeJavaScript) {
  auto value = normalize_value("\xC2\xA0\xE3\x80\x80/ipfs/x\xEF\xBB\xBF\n");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "/ipfs/x");
}

TEST(ValueTest, StoredValuesAreReadLikeNormalizeByteValue) {
  auto slash = normalize_stored_value(as_bytes("/"));  // only creation refuses a lone "/"
  ASSERT_TRUE(slash.ok());
  EXPECT_EQ(*slash, "/");
  auto bare = normalize_stored_value(
      as_bytes("bafkreie4r2aefg6etq2u6z2lwrusdn273lcfz4jrant5nzrqt4gvqlapd4"));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare, "/ipfs/bafkreie4r2aefg6etq2u6z2lwrusdn273lcfz4jrant5nzrqt4gvqlapd4");
  // A libp2p-key CID read back is still an /ipfs/ path, as in the JS library.
  auto key = normalize_stored_value(
      as_bytes("bafzaajaiaejcaa5ba677htqqxyoxbxiy45f4bglh4tldbg5fbvpr3xegmqjfkmny"));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "/ipfs/bafzaajaiaejcaa5ba677htqqxyoxbxiy45f4bglh4tldbg5fbvpr3xegmqjfkmny");
  auto hello = normalize_stored_value(as_bytes("hello"));
  ASSERT_FALSE(hello.ok());
  EXPECT_EQ(hello.error().code, "INVALID_VALUE");
  EXPECT_FALSE(normalize_stored_value({}).ok());
}

TEST(ValueTest, InvalidUtf8IsReplacedAsNodeDoes) {
  const Bytes bytes = {'/', 'a', 0xff, 'b', 0xe2, 0x82, '/'};
  auto value = normalize_stored_value(bytes);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value,
            "/a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD/");
}

}  // namespace
}  // namespace cbx::ipns
