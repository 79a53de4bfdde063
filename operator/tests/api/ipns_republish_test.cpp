#include "api/v1alpha1/ipns_republish.h"

#include <gtest/gtest.h>

#include "../controllers/republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace testing;

TEST(IpnsRepublishParseTest, RejectsBadSpecFieldsWithTheFieldName) {
  nlohmann::json object = {
      {"metadata", {{"namespace", "d"}, {"name", "n"}}},
      {"spec",
       {{"ipnsName", "k51x"}, {"cid", kCidA}, {"encryptedKey", "eA=="}, {"interval", "6 hours"}}}};
  auto parsed = parse_ipns_republish(object);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, "INVALID_SPEC");
  EXPECT_NE(parsed.error().message.find("spec.interval"), std::string::npos);
  EXPECT_EQ(sequence_from_json("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_FALSE(sequence_from_json("18446744073709551616"));
  EXPECT_FALSE(sequence_from_json(-1));
}

// Wrong types in metadata and status are never exceptions (the old reader threw json type_error
// on metadata.generation, status.failures.count and status.observedGeneration).
TEST(IpnsRepublishParseTest, WrongTypesAreErrorsOrAbsentNeverExceptions) {
  nlohmann::json object = {
      {"metadata", {{"namespace", "d"}, {"name", "n"}, {"generation", 3}}},
      {"spec", {{"ipnsName", "k51x"}, {"cid", kCidA}, {"encryptedKey", "eA=="}}},
      {"status",
       {{"failures", {{"count", "many"}, {"reason", 1}}},
        {"observedGeneration", "x"},
        {"endpoints", {{{"url", 1}}, nullptr}},
        {"conditions", {{{"type", 2}, {"observedGeneration", 1.5}}}}}}};
  Result<IpnsRepublish> parsed = make_error("UNSET", "");
  ASSERT_NO_THROW(parsed = parse_ipns_republish(object));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->generation, 3);
  EXPECT_EQ(parsed->status.failures.count, 0u);
  EXPECT_EQ(parsed->status.observed_generation, 0);
  for (const nlohmann::json& wrong :
       {nlohmann::json("3"), nlohmann::json(1.5), nlohmann::json::object(), nlohmann::json(true)}) {
    object["metadata"]["generation"] = wrong;
    ASSERT_NO_THROW(parsed = parse_ipns_republish(object)) << wrong.dump();
    ASSERT_FALSE(parsed) << wrong.dump();
    EXPECT_EQ(parsed.error().code, "INVALID_OBJECT");
    EXPECT_NE(parsed.error().message.find("metadata.generation"), std::string::npos);
  }
  object["metadata"] = "not an object";
  ASSERT_NO_THROW(parsed = parse_ipns_republish(object));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, "INVALID_OBJECT");
}

}  // namespace
}  // namespace cbx::op
