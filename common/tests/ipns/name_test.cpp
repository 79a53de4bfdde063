// names.json: key -> name derivation, name/peer-id/CID parsing, routing keys.
#include "cbx/ipns/name.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cbx/ipns/cid.h"
#include "ipns_test_util.h"

namespace cbx::ipns {
namespace {

using test::load_vectors;
using test::unhex;

const nlohmann::json& names() {
  static const nlohmann::json vectors = load_vectors("names.json");
  return vectors;
}

ed25519::PublicKey public_key(const std::string& hex) {
  const Bytes bytes = unhex(hex);
  ed25519::PublicKey pk{};
  EXPECT_EQ(bytes.size(), pk.size());
  std::copy_n(bytes.begin(), std::min(bytes.size(), pk.size()), pk.begin());
  return pk;
}

void expect_name_matches(const Name& name, const nlohmann::json& v) {
  EXPECT_EQ(hex_encode(name.public_key_proto), v.at("publicKeyProtobufHex").get<std::string>());
  EXPECT_EQ(hex_encode(name.multihash), v.at("multihashHex").get<std::string>());
  EXPECT_EQ(name.text(), v.at("ipnsName").get<std::string>());
  EXPECT_EQ(name.text_base32(), v.at("ipnsNameBase32").get<std::string>());
  EXPECT_EQ(name.peer_id(), v.at("peerIdBase58").get<std::string>());
  EXPECT_EQ(hex_encode(name.routing_key()), v.at("routingKeyHex").get<std::string>());
}

TEST(NameTest, Ed25519KeysGiveTheReferenceNames) {
  ASSERT_EQ(names().at("ed25519").size(), 5u);
  for (const auto& v : names().at("ed25519")) {
    SCOPED_TRACE(v.at("description").get<std::string>());
    const auto key = test::key_from_seed_hex(v.at("seedHex"));
    EXPECT_EQ(hex_encode(key.public_key), v.at("publicKeyHex").get<std::string>());
    const Name name = name_from_ed25519(key.public_key);
    expect_name_matches(name, v);
    EXPECT_TRUE(name.text().starts_with("k51qzi5uqu5d"));
    EXPECT_EQ(Cid({1, kCodecLibp2pKey, name.multihash}).bytes(), unhex(v.at("cidBytesHex")));
    ASSERT_TRUE(name.ed25519_public_key().has_value());
    EXPECT_EQ(*name.ed25519_public_key(), key.public_key);
  }
}

TEST(NameTest, EveryTextFormOfAnEd25519NameParsesToTheSameName) {
  for (const auto& v : names().at("ed25519")) {
    SCOPED_TRACE(v.at("description").get<std::string>());
    const Name expected = name_from_ed25519(public_key(v.at("publicKeyHex")));
    for (const std::string field : {"ipnsName", "ipnsNameBase32", "peerIdBase58"}) {
      const std::string text = v.at(field).get<std::string>();
      for (const std::string& input : {text, "/ipns/" + text}) {
        SCOPED_TRACE(input);
        auto name = parse_name(input);
        ASSERT_TRUE(name.ok()) << name.error().message;
        EXPECT_EQ(*name, expected);
      }
    }
    auto from_key = name_from_routing_key(unhex(v.at("routingKeyHex")));
    ASSERT_TRUE(from_key.ok());
    EXPECT_EQ(*from_key, expected);
  }
}

TEST(NameTest, Secp256k1NamesParseButHaveNoEd25519Key) {
  for (const auto& v : names().at("secp256k1")) {
    for (const std::string field : {"ipnsName", "ipnsNameBase32", "peerIdBase58"}) {
      SCOPED_TRACE(v.at(field).get<std::string>());
      auto name = parse_name(v.at(field).get<std::string>());
      ASSERT_TRUE(name.ok()) << name.error().message;
      expect_name_matches(*name, v);
      EXPECT_FALSE(name->ed25519_public_key().has_value());
    }
  }
}

TEST(NameTest, NameParsingTableIsFollowed) {
  ASSERT_EQ(names().at("nameParsing").size(), 4u);
  for (const auto& v : names().at("nameParsing")) {
    SCOPED_TRACE(v.at("input").get<std::string>() + " (" + v.at("form").get<std::string>() + ")");
    auto name = parse_name(v.at("input").get<std::string>());
    if (v.at("routingKeyHex").is_null()) {
      ASSERT_FALSE(name.ok());
      EXPECT_EQ(name.error().code, "BAD_NAME");
    } else {
      ASSERT_TRUE(name.ok()) << name.error().message;
      EXPECT_EQ(hex_encode(name->routing_key()), v.at("routingKeyHex").get<std::string>());
    }
  }
}

TEST(NameTest, OtherMultibasesOfTheNameCidAreAccepted) {
  const auto& v = names().at("ed25519").at(0);
  const Bytes cid = unhex(v.at("cidBytesHex"));
  const Name expected = name_from_ed25519(public_key(v.at("publicKeyHex")));
  std::string upper32 = "B" + base32_encode(cid);
  std::transform(upper32.begin() + 1, upper32.end(), upper32.begin() + 1, ::toupper);
  std::string upper36 = "K" + base36_encode(cid);
  std::transform(upper36.begin() + 1, upper36.end(), upper36.begin() + 1, ::toupper);
  for (const std::string& text :
       {"f" + hex_encode(cid), "z" + base58btc_encode(cid), upper32, upper36}) {
    SCOPED_TRACE(text);
    auto name = parse_name(text);
    ASSERT_TRUE(name.ok()) << name.error().message;
    EXPECT_EQ(*name, expected);
  }
}

TEST(NameTest, GarbageIsRejected) {
  for (const char* text :
       {"", "/ipns/", "k", "k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj26", "hello",
        "/ipfs/bafkqaaa", "bafkqaaa", "12D3KooW", "1", "Qm",
        "k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj260 "}) {
    SCOPED_TRACE(text);
    auto name = parse_name(text);
    ASSERT_FALSE(name.ok());
    EXPECT_EQ(name.error().code, "BAD_NAME");
  }
}

TEST(NameTest, IdentityNameMustHoldAValidKey) {
  // Ed25519 key of 31 bytes inside an identity multihash.
  Bytes cid = unhex("0172002308011f");
  cid.resize(cid.size() + 31, 0x11);
  auto name = parse_name("b" + base32_encode(cid));
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error().code, "BAD_NAME");
}

TEST(NameTest, RoutingKeyNeedsThePrefixAndAKnownHash) {
  EXPECT_EQ(name_from_routing_key(unhex("2f69706e7300")).error().code, "BAD_NAME");
  auto sha1 = name_from_routing_key(unhex("2f69706e732f1101ab"));
  ASSERT_FALSE(sha1.ok());
  EXPECT_EQ(sha1.error().code, "INVALID_MULTIHASH");
}

}  // namespace
}  // namespace cbx::ipns
