#include "cbx/crypto/ed25519.h"

#include <gtest/gtest.h>

#include "test_vectors.h"

namespace cbx::ed25519 {
namespace {

using test::unhex;

struct Rfc8032Case {
  const char* secret_key;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1, TEST 1-3.
constexpr Rfc8032Case kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(Ed25519Test, Rfc8032Vectors) {
  for (const auto& c : kRfc8032) {
    SCOPED_TRACE(c.public_key);
    const auto key = key_pair_from_seed(unhex(c.secret_key));
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(hex_encode(key->public_key), c.public_key);
    const Bytes message = unhex(c.message);
    const Signature signature = sign(*key, message);
    EXPECT_EQ(hex_encode(signature), c.signature);
    EXPECT_TRUE(verify(key->public_key, message, signature));
  }
}

TEST(Ed25519Test, SeedsFromNamesJsonDeriveTheListedPublicKeys) {
  const auto vectors = test::load_vectors("names.json");
  const auto& cases = vectors.at("ed25519");
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("description").get<std::string>());
    if (!c.contains("seedHex")) continue;
    const auto key = key_pair_from_seed(unhex(c.at("seedHex")));
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(hex_encode(key->public_key), c.at("publicKeyHex"));
  }
}

TEST(Ed25519Test, SecretKeyIsSeedFollowedByDerivedPublicKey) {
  const SecretBytes seed = generate_seed();
  ASSERT_EQ(seed.size(), kSeedSize);
  const auto key = key_pair_from_seed(seed.span());
  ASSERT_TRUE(key.ok());
  ASSERT_EQ(key->secret_key.size(), 64u);
  EXPECT_EQ(test::to_bytes(key->secret_key.span().first(32)), test::to_bytes(seed.span()));
  EXPECT_EQ(test::to_bytes(key->secret_key.span().subspan(32)), test::to_bytes(key->public_key));
}

TEST(Ed25519Test, GeneratedSeedsDiffer) {
  EXPECT_NE(test::to_bytes(generate_seed().span()), test::to_bytes(generate_seed().span()));
}

TEST(Ed25519Test, RejectsSeedsOfTheWrongSize) {
  for (std::size_t size : {0u, 31u, 33u, 64u}) {
    const auto key = key_pair_from_seed(Bytes(size, 7));
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code, "BAD_SEED");
  }
}

TEST(Ed25519Test, VerifyRejectsTamperingAndBadSizes) {
  const auto key = key_pair_from_seed(Bytes(32, 9));
  ASSERT_TRUE(key.ok());
  const Bytes message = unhex("0011223344");
  const Signature signature = sign(*key, message);
  ASSERT_TRUE(verify(key->public_key, message, signature));

  Bytes other_message = message;
  other_message[0] ^= 1;
  EXPECT_FALSE(verify(key->public_key, other_message, signature));
  Signature bad_signature = signature;
  bad_signature[10] ^= 1;
  EXPECT_FALSE(verify(key->public_key, message, bad_signature));
  const auto other_key = key_pair_from_seed(Bytes(32, 10));
  EXPECT_FALSE(verify(other_key->public_key, message, signature));
  EXPECT_FALSE(verify(ByteView(key->public_key).first(31), message, signature));
  EXPECT_FALSE(verify(key->public_key, message, ByteView(signature).first(63)));
}

}  // namespace
}  // namespace cbx::ed25519
