#include "cbx/crypto/ecies.h"

#include <gtest/gtest.h>

#include "cbx/crypto/secp256k1.h"
#include "test_vectors.h"

namespace cbx::ecies {
namespace {

using test::secret_from_hex;
using test::to_bytes;
using test::unhex;

constexpr const char* kCurveOrderHex =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

struct Receiver {
  SecretBytes private_key = secp256k1::generate_private_key();
  Bytes public_key(bool compressed) const {
    return secp256k1::public_key(private_key, compressed).value();
  }
};

void expect_decrypt_failed(const Result<SecretBytes>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "DECRYPT_FAILED");
  EXPECT_EQ(result.error().message, kDecryptFailedMessage);
}

TEST(EciesTest, RoundTripsWithUncompressedAndCompressedReceiverKeys) {
  const Receiver receiver;
  const Bytes seed = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  for (bool compressed : {false, true}) {
    const Bytes key = receiver.public_key(compressed);
    ASSERT_EQ(key.size(), compressed ? 33u : 65u);
    const auto ciphertext = encrypt(key, seed);
    ASSERT_TRUE(ciphertext.ok());
    ASSERT_EQ(ciphertext->size(), kOverhead + seed.size());
    EXPECT_EQ((*ciphertext)[0], 0x04) << "ephemeral key goes on the wire uncompressed";
    const auto plaintext = decrypt(receiver.private_key, *ciphertext);
    ASSERT_TRUE(plaintext.ok());
    EXPECT_EQ(to_bytes(plaintext->span()), seed);
  }
}

TEST(EciesTest, AcceptsA64ByteRawReceiverKey) {
  const Receiver receiver;
  const Bytes full = receiver.public_key(false);
  const auto ciphertext = encrypt(ByteView(full).subspan(1), as_bytes("hello"));
  ASSERT_TRUE(ciphertext.ok());
  const auto plaintext = decrypt(receiver.private_key, *ciphertext);
  ASSERT_TRUE(plaintext.ok());
  EXPECT_EQ(to_string(plaintext->span()), "hello");
}

TEST(EciesTest, RoundTripsEmptyAndLargePlaintexts) {
  const Receiver receiver;
  for (std::size_t size : {0u, 1u, 15u, 16u, 17u, 4096u, 100000u}) {
    SCOPED_TRACE(size);
    Bytes message(size);
    for (std::size_t i = 0; i < size; ++i) message[i] = static_cast<std::uint8_t>(i * 7 + 3);
    const auto ciphertext = encrypt(receiver.public_key(true), message);
    ASSERT_TRUE(ciphertext.ok());
    const auto plaintext = decrypt(receiver.private_key, *ciphertext);
    ASSERT_TRUE(plaintext.ok());
    EXPECT_EQ(to_bytes(plaintext->span()), message);
  }
}

TEST(EciesTest, EncryptUsesFreshRandomnessEachTime) {
  const Receiver receiver;
  const auto a = encrypt(receiver.public_key(false), as_bytes("same"));
  const auto b = encrypt(receiver.public_key(false), as_bytes("same"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_NE(Bytes(a->begin(), a->begin() + 65), Bytes(b->begin(), b->begin() + 65));
}

TEST(EciesTest, WrongReceiverKeyFails) {
  const Receiver receiver, other;
  const auto ciphertext = encrypt(receiver.public_key(false), as_bytes("secret"));
  ASSERT_TRUE(ciphertext.ok());
  expect_decrypt_failed(decrypt(other.private_key, *ciphertext));
}

TEST(EciesTest, InvalidReceiverPrivateKeysFailAsDecryptFailed) {
  const Receiver receiver;
  const auto ciphertext = encrypt(receiver.public_key(false), as_bytes("secret"));
  ASSERT_TRUE(ciphertext.ok());
  const std::string zero(64, '0');
  expect_decrypt_failed(decrypt(secret_from_hex(zero), *ciphertext));
  expect_decrypt_failed(decrypt(secret_from_hex(kCurveOrderHex), *ciphertext));
  expect_decrypt_failed(decrypt(secret_from_hex(std::string(64, 'f')), *ciphertext));
  expect_decrypt_failed(decrypt(SecretBytes(), *ciphertext));
  expect_decrypt_failed(decrypt(SecretBytes(31), *ciphertext));
  SecretBytes long_key(33);
  std::copy(receiver.private_key.span().begin(), receiver.private_key.span().end(),
            long_key.data());
  expect_decrypt_failed(decrypt(long_key, *ciphertext));
}

TEST(EciesTest, RejectsHybridAndCompressedEphemeralKeyEncodings) {
  const Receiver receiver;
  const auto ciphertext = encrypt(receiver.public_key(false), as_bytes("secret"));
  ASSERT_TRUE(ciphertext.ok());
  const std::uint8_t y_is_odd = ciphertext->at(64) & 1;
  // libsecp256k1 accepts the 65-byte hybrid form 06/07 || x || y; eciesjs does not.
  for (std::uint8_t prefix : {std::uint8_t(0x06 | y_is_odd), std::uint8_t(0x02 | y_is_odd)}) {
    Bytes altered = *ciphertext;
    altered[0] = prefix;
    expect_decrypt_failed(decrypt(receiver.private_key, altered));
  }
}

TEST(EciesTest, EveryTruncationAndEverySingleBitFlipFails) {
  const Receiver receiver;
  const auto ciphertext = encrypt(receiver.public_key(false), as_bytes("0123456789abcdef0123"));
  ASSERT_TRUE(ciphertext.ok());
  for (std::size_t size = 0; size < ciphertext->size(); ++size) {
    expect_decrypt_failed(decrypt(receiver.private_key, ByteView(*ciphertext).first(size)));
  }
  for (std::size_t i = 0; i < ciphertext->size(); ++i) {
    Bytes altered = *ciphertext;
    altered[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    SCOPED_TRACE(i);
    expect_decrypt_failed(decrypt(receiver.private_key, altered));
  }
}

TEST(EciesTest, EncryptRejectsBadInputs) {
  const Receiver receiver;
  const SecretBytes ephemeral = secp256k1::generate_private_key();
  const Bytes nonce(kNonceSize, 0x11);
  const Bytes key = receiver.public_key(false);

  Bytes off_curve = key;
  off_curve[64] ^= 1;
  EXPECT_EQ(encrypt(off_curve, {}).error().code, "BAD_PUBLIC_KEY");
  EXPECT_EQ(encrypt(Bytes(32, 1), {}).error().code, "BAD_PUBLIC_KEY");
  EXPECT_EQ(encrypt({}, {}).error().code, "BAD_PUBLIC_KEY");
  EXPECT_EQ(encrypt_with(key, {}, ephemeral, Bytes(12, 0)).error().code, "BAD_NONCE");
  EXPECT_EQ(encrypt_with(key, {}, SecretBytes(32), nonce).error().code, "BAD_PRIVATE_KEY");
  EXPECT_TRUE(encrypt_with(key, {}, ephemeral, nonce).ok());
}

}  // namespace
}  // namespace cbx::ecies
