// Every case of tests/vectors/ecies.json (made by eciesjs 0.5.0 / 0.4.18).
#include <gtest/gtest.h>

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/hash.h"
#include "cbx/crypto/secp256k1.h"
#include "crypto/ecdh.h"
#include "crypto/secp256k1_point.h"
#include "test_vectors.h"

namespace cbx::ecies {
namespace {

using test::secret_from_hex;
using test::to_bytes;
using test::unhex;

class EciesVectorsTest : public ::testing::Test {
 protected:
  static const nlohmann::json& vectors() {
    static const nlohmann::json json = test::load_vectors("ecies.json");
    return json;
  }
  static const nlohmann::json& cases() { return vectors().at("cases"); }
  static const nlohmann::json& negatives() { return vectors().at("negative"); }
};

TEST_F(EciesVectorsTest, DescribesTheDefaultEciesjsConfig) {
  const auto& config = vectors().at("config");
  EXPECT_EQ(config.at("ellipticCurve"), "secp256k1");
  EXPECT_EQ(config.at("isEphemeralKeyCompressed"), false);
  EXPECT_EQ(config.at("isHkdfKeyCompressed"), false);
  EXPECT_EQ(config.at("symmetricAlgorithm"), "aes-256-gcm");
  EXPECT_EQ(config.at("symmetricNonceLength"), kNonceSize);
  EXPECT_EQ(vectors().at("overheadBytes"), kOverhead);
  EXPECT_EQ(cases().size(), 14u);
  EXPECT_EQ(negatives().size(), 16u);
}

TEST_F(EciesVectorsTest, DecryptsEveryPositiveCase) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    ASSERT_EQ(c.at("expected"), "ok");
    const auto plaintext =
        decrypt(secret_from_hex(c.at("receiverPrivateKeyHex")), unhex(c.at("ciphertextHex")));
    ASSERT_TRUE(plaintext.ok()) << plaintext.error().code;
    EXPECT_EQ(to_bytes(plaintext->span()), unhex(c.at("plaintextHex")));
  }
}

TEST_F(EciesVectorsTest, EncryptWithFixedRandomnessReproducesEveryCiphertext) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    const auto& fixed = c.at("fixedRandomness");
    const SecretBytes ephemeral = secret_from_hex(fixed.at("ephemeralPrivateKeyHex"));
    const Bytes nonce = unhex(fixed.at("nonceHex"));
    const Bytes plaintext = unhex(c.at("plaintextHex"));
    const Bytes expected = unhex(c.at("ciphertextHex"));
    for (const char* key_field : {"receiverPublicKeyHex", "receiverPublicKeyCompressedHex"}) {
      SCOPED_TRACE(key_field);
      const auto ciphertext = encrypt_with(unhex(c.at(key_field)), plaintext, ephemeral, nonce);
      ASSERT_TRUE(ciphertext.ok()) << ciphertext.error().code;
      EXPECT_EQ(hex_encode(*ciphertext), hex_encode(expected));
    }
  }
}

TEST_F(EciesVectorsTest, IntermediatesMatchEciesjs) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    const auto& fixed = c.at("fixedRandomness");
    const auto& mid = c.at("intermediate");
    const SecretBytes ephemeral = secret_from_hex(fixed.at("ephemeralPrivateKeyHex"));

    const auto ephemeral_public = secp256k1::public_key(ephemeral);
    ASSERT_TRUE(ephemeral_public.ok());
    EXPECT_EQ(hex_encode(*ephemeral_public), mid.at("ephemeralPublicKeyHex"));

    const auto receiver = crypto_internal::parse_point(unhex(c.at("receiverPublicKeyHex")));
    ASSERT_TRUE(receiver.has_value());
    std::array<std::uint8_t, crypto_internal::kSharedPointSize> shared{};
    ASSERT_TRUE(crypto_internal::ecdh_shared_point(*receiver, ephemeral.data(), shared));
    EXPECT_EQ(hex_encode(shared), mid.at("sharedPointHex"));

    // The receiver side computes the same point from its key and the ephemeral public key.
    const SecretBytes receiver_key = secret_from_hex(c.at("receiverPrivateKeyHex"));
    const auto ephemeral_point = crypto_internal::parse_uncompressed_point(*ephemeral_public);
    ASSERT_TRUE(ephemeral_point.has_value());
    std::array<std::uint8_t, crypto_internal::kSharedPointSize> shared_by_receiver{};
    ASSERT_TRUE(crypto_internal::ecdh_shared_point(*ephemeral_point, receiver_key.data(),
                                                   shared_by_receiver));
    EXPECT_EQ(shared_by_receiver, shared);

    const Bytes ikm = unhex(mid.at("hkdfIkmHex"));
    EXPECT_EQ(hex_encode(ikm), hex_encode(*ephemeral_public) + hex_encode(shared));
    const SecretBytes aes_key = hkdf_sha256(ikm, {}, {}, 32);
    EXPECT_EQ(hex_encode(aes_key.span()), mid.at("aesKeyHex"));

    const Bytes ciphertext = unhex(c.at("ciphertextHex"));
    EXPECT_EQ(hex_encode(ByteView(ciphertext).subspan(65, 16)), mid.at("nonceHex"));
    EXPECT_EQ(hex_encode(ByteView(ciphertext).subspan(81, 16)), mid.at("tagHex"));
    EXPECT_EQ(hex_encode(ByteView(ciphertext).subspan(97)), mid.at("ciphertextBodyHex"));
  }
}

TEST_F(EciesVectorsTest, RejectsEveryNegativeCaseWithOneFixedError) {
  for (const auto& c : negatives()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    ASSERT_EQ(c.at("expected"), "error");
    const auto plaintext =
        decrypt(secret_from_hex(c.at("receiverPrivateKeyHex")), unhex(c.at("ciphertextHex")));
    ASSERT_FALSE(plaintext.ok());
    EXPECT_EQ(plaintext.error().code, "DECRYPT_FAILED");
    EXPECT_EQ(plaintext.error().message, kDecryptFailedMessage);
  }
}

}  // namespace
}  // namespace cbx::ecies
