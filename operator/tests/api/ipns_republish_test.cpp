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

}  // namespace
}  // namespace cbx::op
