#include "cbx/crypto/hash.h"

#include <gtest/gtest.h>

#include "test_vectors.h"

namespace cbx {
namespace {

using test::unhex;

TEST(HashTest, Sha256AndSha384OfAbc) {
  EXPECT_EQ(hex_encode(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(sha384(as_bytes("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
            "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
}

// RFC 5869 A.1
TEST(HkdfTest, Rfc5869TestCase1) {
  const SecretBytes okm =
      hkdf_sha256(unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                  unhex("000102030405060708090a0b0c"), unhex("f0f1f2f3f4f5f6f7f8f9"), 42);
  EXPECT_EQ(hex_encode(okm.span()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865");
}

// RFC 5869 A.3 (no salt, no info), run after A.1 on the same thread: the reused context must
// not keep A.1's salt or info.
TEST(HkdfTest, Rfc5869TestCase3AfterCase1) {
  const Bytes ikm = unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  (void)hkdf_sha256(ikm, unhex("000102030405060708090a0b0c"), unhex("f0f1f2f3f4f5f6f7f8f9"), 42);
  const SecretBytes okm = hkdf_sha256(ikm, {}, {}, 42);
  EXPECT_EQ(hex_encode(okm.span()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
            "9d201395faa4b61a96c8");
}

// Info and salt of one call must not leak into the next on the same thread, in any order.
TEST(HkdfTest, CallsDoNotInfluenceEachOther) {
  const Bytes ikm = unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const Bytes salt = unhex("000102030405060708090a0b0c");
  const Bytes info = unhex("f0f1f2f3f4f5f6f7f8f9");
  const std::string case1 =
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
  const std::string case3 =
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(hex_encode(hkdf_sha256(ikm, salt, info, 42).span()), case1);
    EXPECT_EQ(hex_encode(hkdf_sha256(ikm, {}, {}, 42).span()), case3);
    const std::string salt_only = hex_encode(hkdf_sha256(ikm, salt, {}, 42).span());
    const std::string info_only = hex_encode(hkdf_sha256(ikm, {}, info, 42).span());
    EXPECT_EQ(salt_only.size(), 84u);
    EXPECT_EQ(info_only.size(), 84u);
    EXPECT_NE(salt_only, case1);
    EXPECT_NE(salt_only, case3);
    EXPECT_NE(info_only, case1);
    EXPECT_NE(info_only, case3);
  }
  EXPECT_EQ(hex_encode(hkdf_sha256(ikm, Bytes(32, 0), {}, 42).span()), case3);
}

TEST(HkdfTest, AcceptsEmptyInputKeyMaterial) {
  EXPECT_EQ(hkdf_sha256({}, {}, {}, 32).size(), 32u);
}

TEST(HkdfTest, RejectsImpossibleLengths) {
  EXPECT_TRUE(hkdf_sha256(as_bytes("k"), {}, {}, 0).empty());
  EXPECT_TRUE(hkdf_sha256(as_bytes("k"), {}, {}, 255 * 32 + 1).empty());
  EXPECT_EQ(hkdf_sha256(as_bytes("k"), {}, {}, 255 * 32).size(), 255u * 32);
}

}  // namespace
}  // namespace cbx
