// Every ipns.json case re-made byte for byte and checked with the expected validator outcome.
#include <gtest/gtest.h>

#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "ipns.pb.h"
#include "ipns_test_util.h"

namespace cbx::ipns {
namespace {

using test::fixed_now;
using test::load_vectors;
using test::to_u64;
using test::unhex;

const nlohmann::json& cases() {
  static const nlohmann::json vectors = load_vectors("ipns.json");
  return vectors.at("cases");
}

RecordFields fields_of(const nlohmann::json& c) {
  return RecordFields{c.at("valueString").get<std::string>(), c.at("validity").get<std::string>(),
                      to_u64(c.at("sequence")), to_u64(c.at("ttlNs"))};
}

TEST(RecordVectorsTest, EveryCaseIsPresent) {
  EXPECT_EQ(cases().size(), 12u);
}

TEST(RecordVectorsTest, MakeRecordReproducesEveryCaseByteForByte) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    const auto key = test::key_from_seed_hex(c.at("seedHex"));
    EXPECT_EQ(hex_encode(key.public_key), c.at("publicKeyHex").get<std::string>());
    auto record = make_record(key, fields_of(c), c.at("v1Compatible").get<bool>());
    ASSERT_TRUE(record.ok()) << record.error().message;
    EXPECT_EQ(hex_encode(*record), c.at("recordHex").get<std::string>());
    EXPECT_EQ(base64_encode(*record), c.at("recordBase64").get<std::string>());
    EXPECT_EQ(record->size(), c.at("recordLength").get<std::size_t>());
  }
}

TEST(RecordVectorsTest, DataAndSignaturesMatchTheReferenceParts) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    const auto key = test::key_from_seed_hex(c.at("seedHex"));
    auto record = make_record(key, fields_of(c), c.at("v1Compatible").get<bool>());
    ASSERT_TRUE(record.ok());
    pb::IpnsEntry entry;
    ASSERT_TRUE(entry.ParseFromArray(record->data(), static_cast<int>(record->size())));
    EXPECT_EQ(hex_encode(as_bytes(entry.data())), c.at("dataCborHex").get<std::string>());
    EXPECT_EQ(hex_encode(as_bytes(entry.signaturev2())), c.at("signatureV2Hex").get<std::string>());
    if (c.at("signatureV1Hex").is_null()) {
      EXPECT_FALSE(entry.has_signaturev1());
      EXPECT_FALSE(entry.has_value());
    } else {
      EXPECT_EQ(hex_encode(as_bytes(entry.signaturev1())),
                c.at("signatureV1Hex").get<std::string>());
    }
  }
}

TEST(RecordVectorsTest, ValidityInputIsReformattedLikeTheLibrary) {
  for (const auto& c : cases()) {
    if (c.at("validityInput").is_null()) continue;
    SCOPED_TRACE(c.at("id").get<std::string>());
    RecordFields fields = fields_of(c);
    fields.validity = c.at("validityInput").get<std::string>();
    const auto key = test::key_from_seed_hex(c.at("seedHex"));
    auto record = make_record(key, fields, c.at("v1Compatible").get<bool>());
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(base64_encode(*record), c.at("recordBase64").get<std::string>());
  }
}

TEST(RecordVectorsTest, ValueInputIsNormalizedLikeTheLibrary) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    const auto& input = c.at("valueInput");
    RecordFields fields = fields_of(c);
    fields.value =
        input.is_string() ? input.get<std::string>() : input.at("string").get<std::string>();
    const auto key = test::key_from_seed_hex(c.at("seedHex"));
    auto record = make_record(key, fields, c.at("v1Compatible").get<bool>());
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(base64_encode(*record), c.at("recordBase64").get<std::string>());
  }
}

TEST(RecordVectorsTest, ValidateGivesTheExpectedOutcome) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    auto name = parse_name(c.at("ipnsName").get<std::string>());
    ASSERT_TRUE(name.ok());
    EXPECT_EQ(hex_encode(name->routing_key()), c.at("routingKeyHex").get<std::string>());
    const Bytes bytes = test::unbase64(c.at("recordBase64"));
    auto result = validate_record(*name, bytes, fixed_now());
    const auto& expected = c.at("expected");
    ASSERT_EQ(result.ok(), expected.at("valid").get<bool>())
        << (result.ok() ? std::string() : result.error().code + ": " + result.error().message);
    if (!result.ok()) {
      EXPECT_EQ(expected.at("errorName"), "RecordExpiredError");
      EXPECT_EQ(result.error().code, "RECORD_EXPIRED");
      EXPECT_EQ(result.error().message, expected.at("errorMessage").get<std::string>());
    }
  }
}

TEST(RecordVectorsTest, UnmarshalReadsBackEveryField) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    auto record = unmarshal_record(test::unbase64(c.at("recordBase64")));
    ASSERT_TRUE(record.ok()) << record.error().message;
    EXPECT_EQ(record->value, c.at("valueString").get<std::string>());
    EXPECT_EQ(record->validity, c.at("validity").get<std::string>());
    EXPECT_EQ(record->sequence, to_u64(c.at("sequence")));
    EXPECT_EQ(record->ttl_ns, to_u64(c.at("ttlNs")));
    auto expected_time = parse_validity(record->validity);
    ASSERT_TRUE(expected_time.ok());
    EXPECT_EQ(record->validity_time, *expected_time);
  }
}

TEST(RecordVectorsTest, SignatureCheckIgnoresExpiryOnly) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    auto name = parse_name(c.at("ipnsName").get<std::string>());
    ASSERT_TRUE(name.ok());
    auto result = verify_record_signature(*name, test::unbase64(c.at("recordBase64")));
    EXPECT_TRUE(result.ok()) << result.error().message;  // ipns-09 is expired but well signed
  }
}

TEST(RecordVectorsTest, ExpiryComparesMillisecondsLikeJavaScript) {
  // ipns-11 expires at 2100-01-03T00:00:00.123000000Z.
  const auto& c = cases().at(10);
  ASSERT_EQ(c.at("id"), "ipns-11");
  auto name = parse_name(c.at("ipnsName").get<std::string>());
  ASSERT_TRUE(name.ok());
  const Bytes bytes = test::unbase64(c.at("recordBase64"));
  auto eol = parse_validity(c.at("validity").get<std::string>());
  ASSERT_TRUE(eol.ok());
  using std::chrono::microseconds;
  using std::chrono::milliseconds;
  EXPECT_TRUE(validate_record(*name, bytes, *eol).ok());
  EXPECT_TRUE(validate_record(*name, bytes, *eol + microseconds(999)).ok());  // same millisecond
  auto late = validate_record(*name, bytes, *eol + milliseconds(1));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "RECORD_EXPIRED");
}

}  // namespace
}  // namespace cbx::ipns
