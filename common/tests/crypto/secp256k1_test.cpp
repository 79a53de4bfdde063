#include "cbx/crypto/secp256k1.h"

#include <gtest/gtest.h>

#include "test_vectors.h"

namespace cbx::secp256k1 {
namespace {

using test::secret_from_hex;
using test::unhex;

TEST(Secp256k1Test, DerivesTheEciesVectorReceiverKeys) {
  const auto vectors = test::load_vectors("ecies.json");
  for (const auto& c : vectors.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    const SecretBytes key = secret_from_hex(c.at("receiverPrivateKeyHex"));
    EXPECT_TRUE(is_valid_private_key(key.span()));
    EXPECT_EQ(hex_encode(public_key(key).value()), c.at("receiverPublicKeyHex"));
    EXPECT_EQ(hex_encode(public_key(key, true).value()), c.at("receiverPublicKeyCompressedHex"));
  }
}

TEST(Secp256k1Test, DerivesTheNamesJsonKey) {
  const auto vectors = test::load_vectors("names.json");
  for (const auto& c : vectors.at("secp256k1")) {
    const auto key = public_key(secret_from_hex(c.at("privateKeyHex")), true);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(hex_encode(*key), c.at("publicKeyHex"));
  }
}

TEST(Secp256k1Test, ValidatesPrivateKeyRange) {
  EXPECT_FALSE(is_valid_private_key(Bytes(32, 0)));
  EXPECT_FALSE(is_valid_private_key(
      unhex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")));  // n
  EXPECT_TRUE(is_valid_private_key(
      unhex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")));  // n - 1
  EXPECT_TRUE(is_valid_private_key(unhex(std::string(63, '0') + "1")));
  EXPECT_FALSE(is_valid_private_key(Bytes(31, 1)));
  EXPECT_FALSE(is_valid_private_key(Bytes(33, 1)));
  EXPECT_EQ(public_key(SecretBytes(32)).error().code, "BAD_PRIVATE_KEY");
}

TEST(Secp256k1Test, ParsesEveryAcceptedEncodingToUncompressed) {
  const SecretBytes key = generate_private_key();
  ASSERT_TRUE(is_valid_private_key(key.span()));
  const Bytes full = public_key(key).value();
  const Bytes compressed = public_key(key, true).value();
  ASSERT_EQ(full.size(), 65u);
  ASSERT_EQ(compressed.size(), 33u);
  EXPECT_EQ(parse_public_key(full).value(), full);
  EXPECT_EQ(parse_public_key(compressed).value(), full);
  EXPECT_EQ(parse_public_key(ByteView(full).subspan(1)).value(), full);
}

TEST(Secp256k1Test, RejectsMalformedPublicKeys) {
  const Bytes full = public_key(generate_private_key()).value();
  Bytes off_curve = full;
  off_curve[64] ^= 1;
  Bytes hybrid = full;
  hybrid[0] = 0x06 | (full[64] & 1);
  for (const Bytes& bad : {off_curve, hybrid, Bytes{}, Bytes(33, 0), Bytes(65, 0),
                           Bytes(full.begin(), full.begin() + 33)}) {
    const auto parsed = parse_public_key(bad);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, "BAD_PUBLIC_KEY");
  }
}

}  // namespace
}  // namespace cbx::secp256k1
