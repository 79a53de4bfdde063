// names.json `cids`: CID text <-> bytes in every form the reference produces and boxo accepts.
#include "cbx/ipns/cid.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "ipns_test_util.h"

namespace cbx::ipns {
namespace {

using test::load_vectors;
using test::unhex;

std::uint64_t hex_number(const nlohmann::json& v) {
  return std::stoull(v.get<std::string>(), nullptr, 16);
}

TEST(CidTest, EveryVectorParsesToItsBytesAndPrintsBack) {
  const auto vectors = load_vectors("names.json");
  ASSERT_EQ(vectors.at("cids").size(), 5u);
  for (const auto& v : vectors.at("cids")) {
    SCOPED_TRACE(v.at("string").get<std::string>());
    auto cid = parse_cid(v.at("string").get<std::string>());
    ASSERT_TRUE(cid.ok()) << cid.error().message;
    EXPECT_EQ(cid->version, v.at("version").get<std::uint64_t>());
    EXPECT_EQ(cid->codec, hex_number(v.at("codec")));
    EXPECT_EQ(multihash_code(cid->multihash), hex_number(v.at("multihashCode")));
    EXPECT_EQ(hex_encode(cid->multihash), v.at("multihashHex").get<std::string>());
    EXPECT_EQ(hex_encode(cid->bytes()), v.at("bytesHex").get<std::string>());
    EXPECT_EQ(cid->to_string(), v.at("string").get<std::string>());
    EXPECT_EQ(cid->to_v1().to_string(), v.at("v1Base32").get<std::string>());
    EXPECT_EQ(cid->to_base36(), v.at("v1Base36").get<std::string>());

    auto from_bytes = cid_from_bytes(unhex(v.at("bytesHex")));
    ASSERT_TRUE(from_bytes.ok());
    EXPECT_EQ(*from_bytes, *cid);
    auto from_base36 = parse_cid(v.at("v1Base36").get<std::string>());
    ASSERT_TRUE(from_base36.ok());
    EXPECT_EQ(*from_base36, cid->to_v1());
  }
}

TEST(CidTest, AnyMultibaseBoxoAcceptsIsRead) {
  const Bytes bytes =
      unhex("015512209c8e80429bc49c354f674bb46921b75fdac45cf1310367d6e6309f0d582c0f1f");
  std::string upper_hex = hex_encode(bytes);
  std::transform(upper_hex.begin(), upper_hex.end(), upper_hex.begin(), ::toupper);
  std::string b32 = base32_encode(bytes), b32_upper = b32;
  std::transform(b32_upper.begin(), b32_upper.end(), b32_upper.begin(), ::toupper);
  std::string b64 = base64_encode(bytes);
  std::string b64_raw = b64.substr(0, b64.find('='));
  std::string b64url = b64_raw;
  std::replace(b64url.begin(), b64url.end(), '+', '-');
  std::replace(b64url.begin(), b64url.end(), '/', '_');
  const std::string inputs[] = {
      "f" + hex_encode(bytes),
      "F" + upper_hex,
      "b" + b32,
      "B" + b32_upper,
      "c" + b32 + "====",
      "k" + base36_encode(bytes),
      "z" + base58btc_encode(bytes),
      "m" + b64_raw,
      "M" + b64,
      "u" + b64url,
  };
  for (const auto& text : inputs) {
    SCOPED_TRACE(text);
    auto cid = parse_cid(text);
    ASSERT_TRUE(cid.ok()) << cid.error().message;
    EXPECT_EQ(cid->bytes(), bytes);
  }
}

TEST(CidTest, Base32HexIsRead) {
  // "bafkqaaa" = 01 55 00 00; in base32hex (RFC 4648 §7) that is "05ag000".
  auto cid = parse_cid("v05ag000");
  ASSERT_TRUE(cid.ok()) << cid.error().message;
  EXPECT_EQ(hex_encode(cid->bytes()), "01550000");
}

TEST(CidTest, MalformedCidsAreRejected) {
  for (const char* text : {
           "", "b",
           "x"
           "afkqaaa",
           "bafkqaab!", "QmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV52",
           "QmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV520",   // '0' is not base58
           "bafkqaay",                                         // digest longer than declared
           "f02550000",                                        // CID version 2
           "f0155",                                            // no multihash
           "f015500",                                          // truncated multihash
           "zQmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV52U",  // v0 inside multibase
       }) {
    SCOPED_TRACE(text);
    auto cid = parse_cid(text);
    ASSERT_FALSE(cid.ok());
    EXPECT_EQ(cid.error().code, "BAD_CID");
  }
}

TEST(CidTest, BinaryV0IsExactlyASha256Multihash) {
  auto v0 =
      cid_from_bytes(unhex("122040e23652ff4f9649b2d8c8146d81f907d40eb512312489e193d1c721c7c60b15"));
  ASSERT_TRUE(v0.ok());
  EXPECT_EQ(v0->version, 0u);
  EXPECT_EQ(v0->to_string(), "QmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV52U");
  EXPECT_FALSE(cid_from_bytes(unhex("12030102")).ok());
  EXPECT_FALSE(cid_from_bytes({}).ok());
}

}  // namespace
}  // namespace cbx::ipns
