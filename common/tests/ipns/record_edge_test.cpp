// ipns.json `edge` cases (tampered and hand-built records) with the reference validator's verdict,
// plus the validation rules no vector covers.
#include <gtest/gtest.h>

#include <map>

#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "ipns.pb.h"
#include "ipns/record_data.h"
#include "ipns_test_util.h"

namespace cbx::ipns {
namespace {

using test::fixed_now;
using test::load_vectors;

// JS error class (and message for the generic ones) -> our Error.code.
std::string expected_code(const nlohmann::json& expected) {
  static const std::map<std::string, std::string> kByName = {
      {"RecordTooLargeError", "RECORD_TOO_LARGE"},
      {"InvalidEmbeddedPublicKeyError", "INVALID_EMBEDDED_PUBLIC_KEY"},
      {"UnsupportedValidityError", "UNSUPPORTED_VALIDITY"},
      {"InvalidValueError", "INVALID_VALUE"},
      {"RecordExpiredError", "RECORD_EXPIRED"},
      {"Error", "INVALID_RECORD"},  // protons' "invalid wire type …"
  };
  const std::string name = expected.at("errorName");
  const std::string message = expected.at("errorMessage");
  if (name == "SignatureVerificationError") {
    if (message == "Missing data or signatureV2") return "MISSING_SIGNATURE_V2";
    if (message.starts_with("Field ")) return "FIELD_MISMATCH";
    return "SIGNATURE_INVALID";
  }
  return kByName.at(name);
}

TEST(RecordEdgeTest, EveryEdgeCaseGetsTheReferenceVerdict) {
  const auto vectors = load_vectors("ipns.json");
  ASSERT_EQ(vectors.at("edge").size(), 19u);
  for (const auto& c : vectors.at("edge")) {
    SCOPED_TRACE(c.at("id").get<std::string>() + ": " + c.at("description").get<std::string>());
    auto name = parse_name(c.at("ipnsName").get<std::string>());
    ASSERT_TRUE(name.ok());
    ASSERT_EQ(hex_encode(name->routing_key()), c.at("routingKeyHex").get<std::string>());
    const Bytes bytes = test::unbase64(c.at("recordBase64"));
    ASSERT_EQ(bytes.size(), c.at("recordLength").get<std::size_t>());
    auto result = validate_record(*name, bytes, fixed_now());
    const auto& expected = c.at("expected");
    ASSERT_EQ(result.ok(), expected.at("valid").get<bool>())
        << (result.ok() ? "" : result.error().code + ": " + result.error().message);
    if (result.ok()) continue;
    EXPECT_EQ(result.error().code, expected_code(expected));
    if (expected.at("errorName") != "Error") {
      EXPECT_EQ(result.error().message, expected.at("errorMessage").get<std::string>());
    }
  }
}

// A record built field by field, re-signed with seed A, to probe rules no vector covers.
class HandBuiltRecordTest : public ::testing::Test {
 protected:
  HandBuiltRecordTest()
      : key_(test::key_from_seed_hex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")),
        name_(name_from_ed25519(key_.public_key)) {}

  static constexpr const char* kValue =
      "/ipfs/bafkreie4r2aefg6etq2u6z2lwrusdn273lcfz4jrant5nzrqt4gvqlapd4";
  static constexpr const char* kValidity = "2999-12-31T23:59:59.999999999Z";

  pb::IpnsEntry v1_v2_entry(std::uint64_t sequence = 9) {
    auto bytes = make_record(key_, {kValue, kValidity, sequence, 300'000'000'000ULL}, true);
    EXPECT_TRUE(bytes.ok());
    pb::IpnsEntry entry;
    EXPECT_TRUE(entry.ParseFromArray(bytes->data(), static_cast<int>(bytes->size())));
    return entry;
  }

  void sign_data(pb::IpnsEntry& entry, const Bytes& data) {
    Bytes message(as_bytes("ipns-signature:").begin(), as_bytes("ipns-signature:").end());
    message.insert(message.end(), data.begin(), data.end());
    const auto sig = ed25519::sign(key_, message);
    entry.set_data(data.data(), data.size());
    entry.set_signaturev2(sig.data(), sig.size());
  }

  Result<Record> validate(const pb::IpnsEntry& entry) {
    const std::string bytes = entry.SerializeAsString();
    return validate_record(name_, as_bytes(bytes), fixed_now());
  }

  ed25519::KeyPair key_;
  Name name_;
};

TEST_F(HandBuiltRecordTest, ValueWithoutSignatureV1SkipsTheConsistencyCheck) {
  // JS rule (value AND signatureV1); boxo would compare because value is present.
  auto entry = v1_v2_entry();
  entry.clear_signaturev1();
  entry.set_value("/ipfs/something-else");
  entry.set_sequence(12345);
  EXPECT_TRUE(validate(entry).ok());
}

TEST_F(HandBuiltRecordTest, ConsistencyCheckNeedsEveryV1Field) {
  for (const char* field : {"validity", "validityType", "sequence", "ttl"}) {
    SCOPED_TRACE(field);
    auto entry = v1_v2_entry();
    const std::string f = field;
    if (f == "validity") entry.clear_validity();
    if (f == "validityType") entry.clear_validitytype();
    if (f == "sequence") entry.clear_sequence();
    if (f == "ttl") entry.clear_ttl();
    auto result = validate(entry);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "FIELD_MISMATCH");
    EXPECT_EQ(result.error().message,
              "Field \"" + f + "\" did not match between protobuf and CBOR");
  }
}

TEST_F(HandBuiltRecordTest, UnknownProtobufValidityTypeIsAMismatch) {
  auto entry = v1_v2_entry();
  entry.set_validitytype(static_cast<pb::IpnsEntry::ValidityType>(1));
  auto result = validate(entry);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "FIELD_MISMATCH");
}

TEST_F(HandBuiltRecordTest, SequenceAboveInt64IsKept) {
  const std::uint64_t max = ~std::uint64_t{0};
  auto entry = v1_v2_entry(max);
  auto result = validate(entry);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->sequence, max);
  entry.set_sequence(max - 1);
  result = validate(entry);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "Field \"sequence\" did not match between protobuf and CBOR");
}

TEST_F(HandBuiltRecordTest, StoredValueMayBeBinaryCidBytes) {
  pb::IpnsEntry entry;
  const Bytes cid =
      test::unhex("015512209c8e80429bc49c354f674bb46921b75fdac45cf1310367d6e6309f0d582c0f1f");
  sign_data(entry, encode_record_data(cid, as_bytes(kValidity), 1, 5));
  auto result = validate(entry);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->value, kValue);
}

TEST_F(HandBuiltRecordTest, StoredValueIsTrimmedAndABareCidBecomesAPath) {
  pb::IpnsEntry entry;
  sign_data(entry,
            encode_record_data(as_bytes(" \t/ipns/example.com\n"), as_bytes(kValidity), 1, 5));
  auto result = validate(entry);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->value, "/ipns/example.com");
  sign_data(entry, encode_record_data(as_bytes("QmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV52U"),
                                      as_bytes(kValidity), 1, 5));
  result = validate(entry);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->value, "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu");
}

TEST_F(HandBuiltRecordTest, GoStyleTrimmedValidityIsAccepted) {
  pb::IpnsEntry entry;
  sign_data(entry, encode_record_data(as_bytes(kValue), as_bytes("2999-01-01T00:00:00.5Z"), 1, 5));
  auto result = validate(entry);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->validity, "2999-01-01T00:00:00.5Z");
}

TEST_F(HandBuiltRecordTest, GarbageValidityIsRejected) {
  pb::IpnsEntry entry;
  sign_data(entry, encode_record_data(as_bytes(kValue), as_bytes("tomorrow"), 1, 5));
  auto result = validate(entry);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "INVALID_RECORD");
}

// CBOR map with the given key/value items (already encoded), for malformed-data probes.
Bytes cbor_map(std::initializer_list<std::pair<std::string, Bytes>> entries) {
  Bytes out{static_cast<std::uint8_t>(0xa0 + entries.size())};
  for (const auto& [key, value] : entries) {
    out.push_back(static_cast<std::uint8_t>(0x60 + key.size()));
    out.insert(out.end(), key.begin(), key.end());
    out.insert(out.end(), value.begin(), value.end());
  }
  return out;
}

Bytes cbor_bytes(std::string_view s) {
  Bytes out{0x58, static_cast<std::uint8_t>(s.size())};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

TEST_F(HandBuiltRecordTest, MalformedDataIsRejectedWithTheRightCode) {
  const Bytes value = cbor_bytes(kValue), validity = cbor_bytes(kValidity);
  struct Probe {
    const char* what;
    Bytes data;
    const char* code;
  };
  const Probe probes[] = {
      {"missing ValidityType",
       cbor_map({{"TTL", {0x05}}, {"Value", value}, {"Sequence", {0x01}}, {"Validity", validity}}),
       "UNSUPPORTED_VALIDITY"},
      {"Sequence missing",
       cbor_map(
           {{"TTL", {0x05}}, {"Value", value}, {"Validity", validity}, {"ValidityType", {0x00}}}),
       "INVALID_RECORD"},
      {"negative Sequence",
       cbor_map({{"TTL", {0x05}},
                 {"Value", value},
                 {"Sequence", {0x20}},
                 {"Validity", validity},
                 {"ValidityType", {0x00}}}),
       "INVALID_RECORD"},
      {"Value as text",
       cbor_map({{"TTL", {0x05}},
                 {"Value", {0x63, '/', 'a', 'b'}},
                 {"Sequence", {0x01}},
                 {"Validity", validity},
                 {"ValidityType", {0x00}}}),
       "INVALID_RECORD"},
      {"tag inside",
       cbor_map({{"TTL", {0x05}},
                 {"Value", value},
                 {"Sequence", {0x01}},
                 {"Validity", validity},
                 {"ValidityType", {0x00}},
                 {"x", {0xd8, 0x2a, 0x41, 0x00}}}),
       "INVALID_RECORD"},
      {"not a map", {0x83, 0x01, 0x02, 0x03}, "INVALID_RECORD"},
      {"truncated", {0xa5, 0x63, 'T', 'T'}, "INVALID_RECORD"},
  };
  for (const auto& probe : probes) {
    SCOPED_TRACE(probe.what);
    pb::IpnsEntry entry;
    sign_data(entry, probe.data);
    auto result = validate(entry);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, probe.code) << result.error().message;
  }
}

TEST_F(HandBuiltRecordTest, HugeDeclaredCollectionsAreRefusedWithoutAllocating) {
  // Found by ipns_record_fuzz: an array header claiming 2^32-1 elements made libcbor allocate
  // 32 GiB before reading any of them.
  for (const Bytes& data : {Bytes{0xa1, 0x61, 'x', 0x9a, 0xff, 0xff, 0xff, 0xff, 0x00},
                            Bytes{0xbb, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00}}) {
    pb::IpnsEntry entry;
    sign_data(entry, data);
    auto result = validate(entry);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "INVALID_RECORD");
  }
}

TEST_F(HandBuiltRecordTest, TrailingBytesAfterTheMapAreRejected) {
  pb::IpnsEntry entry;
  Bytes data = encode_record_data(as_bytes(kValue), as_bytes(kValidity), 1, 5);
  data.push_back(0x00);
  sign_data(entry, data);
  auto result = validate(entry);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "INVALID_RECORD");
}

// {_ "Sequence": 1, "Sequence": 7, "TTL": 5, "Value": <value>, "Validity": …, "ValidityType": 0,
//    "x": [_ 1.0, undefined] }: an indefinite-length map, as cborg reads it.
Bytes indefinite_map_with(const Bytes& value_item) {
  Bytes data{0xbf};
  auto key = [&](std::string_view k) {
    data.push_back(static_cast<std::uint8_t>(0x60 + k.size()));
    data.insert(data.end(), k.begin(), k.end());
  };
  key("Sequence"), data.push_back(0x01);
  key("Sequence"), data.push_back(0x07);
  key("TTL"), data.push_back(0x05);
  key("Value"), data.insert(data.end(), value_item.begin(), value_item.end());
  key("Validity");
  const Bytes validity = cbor_bytes("2999-12-31T23:59:59.999999999Z");
  data.insert(data.end(), validity.begin(), validity.end());
  key("ValidityType"), data.push_back(0x00);
  key("x"), data.insert(data.end(), {0x9f, 0xf9, 0x3c, 0x00, 0xf7, 0xff});
  data.push_back(0xff);
  return data;
}

TEST_F(HandBuiltRecordTest, DuplicateKeysLastOneWinsAndIndefiniteMapsAreRead) {
  pb::IpnsEntry entry;
  sign_data(entry, indefinite_map_with(cbor_bytes(kValue)));
  auto result = validate(entry);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->sequence, 7u);
  EXPECT_EQ(result->value, kValue);
}

TEST_F(HandBuiltRecordTest, IndefiniteLengthStringsAreRejectedLikeCborg) {
  // cborg: "indefinite length bytes/strings are not supported".
  const std::string_view v = kValue;
  Bytes chunked{0x5f};
  for (auto part : {v.substr(0, 10), v.substr(10)}) {
    const Bytes chunk = cbor_bytes(part);
    chunked.insert(chunked.end(), chunk.begin(), chunk.end());
  }
  chunked.push_back(0xff);
  pb::IpnsEntry entry;
  sign_data(entry, indefinite_map_with(chunked));
  auto result = validate(entry);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "INVALID_RECORD");
}

TEST_F(HandBuiltRecordTest, SizeLimitAppliesToTheSignatureCheckToo) {
  auto entry = v1_v2_entry();
  auto* unknown = entry.GetReflection()->MutableUnknownFields(&entry);
  unknown->AddLengthDelimited(15, std::string(10240, 'x'));
  const std::string bytes = entry.SerializeAsString();
  auto result = verify_record_signature(name_, as_bytes(bytes));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "RECORD_TOO_LARGE");
}

TEST_F(HandBuiltRecordTest, NameWithAHashMultihashNeedsAnEmbeddedKey) {
  // A sha2-256 name cannot yield a key; without pubKey there is none to verify with.
  auto sha_name = parse_name("QmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV52U");
  ASSERT_TRUE(sha_name.ok());
  const std::string bytes = v1_v2_entry().SerializeAsString();
  auto result = validate_record(*sha_name, as_bytes(bytes), fixed_now());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "INVALID_EMBEDDED_PUBLIC_KEY");
  EXPECT_EQ(result.error().message, "Could not extract public key from IPNS record or routing key");
}

TEST_F(HandBuiltRecordTest, NameMultihashOtherThanIdentityOrSha256IsRejected) {
  Name odd = name_;
  odd.multihash = test::unhex("1114");  // sha1, 20 bytes
  odd.multihash.resize(22, 0xab);
  const std::string bytes = v1_v2_entry().SerializeAsString();
  auto result = validate_record(odd, as_bytes(bytes), fixed_now());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "INVALID_MULTIHASH");
}

TEST_F(HandBuiltRecordTest, Secp256k1NameIsReportedAsUnsupported) {
  auto name = parse_name("kzwfwjn5ji4pumtcqjqihsei1hpcgccsxm3dw5z4hka8xp1i1orq9dlg279ynsq");
  ASSERT_TRUE(name.ok());
  const std::string bytes = v1_v2_entry().SerializeAsString();
  auto result = validate_record(*name, as_bytes(bytes), fixed_now());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "UNSUPPORTED_KEY_TYPE");
}

TEST_F(HandBuiltRecordTest, MakeRecordRefusesAnInvalidValueOrValidity) {
  auto bad_value = make_record(key_, {"hello", kValidity, 0, 1}, true);
  ASSERT_FALSE(bad_value.ok());
  EXPECT_EQ(bad_value.error().code, "INVALID_VALUE");
  auto bad_validity = make_record(key_, {kValue, "2999-13-01T00:00:00Z", 0, 1}, true);
  ASSERT_FALSE(bad_validity.ok());
  EXPECT_EQ(bad_validity.error().code, "BAD_VALIDITY");
  auto too_large = make_record(key_, {"/ipfs/" + std::string(6000, 'a'), kValidity, 0, 1}, true);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.error().code, "RECORD_TOO_LARGE");
}

}  // namespace
}  // namespace cbx::ipns
