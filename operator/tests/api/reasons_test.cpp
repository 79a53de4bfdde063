#include "api/v1alpha1/reasons.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace cbx::op {
namespace {

TEST(ReasonsTest, EveryReasonHasADistinctNonEmptyStringThatRoundTrips) {
  std::set<std::string> seen;
  for (const auto& entry : all_reasons()) {
    std::string text = to_string(entry.reason);
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text, entry.text);
    EXPECT_TRUE(seen.insert(text).second) << text << " names two reasons";
    EXPECT_EQ(parse_reason(text), entry.reason) << text;
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(Reason::kPhaseFailed) + 1);
}

TEST(ReasonsTest, WireStringsStayAsTheyWere) {
  // Strings the e2e scripts, the README and users' `kubectl wait` read: never renamed.
  EXPECT_STREQ(to_string(Reason::kPublished), "Published");
  EXPECT_STREQ(to_string(Reason::kInvalidSpec), "INVALID_SPEC");
  EXPECT_STREQ(to_string(Reason::kKeyMigrationRequired), "KeyMigrationRequired");
  EXPECT_STREQ(to_string(Reason::kReadBackMismatch), "ReadBackMismatch");
  EXPECT_STREQ(to_string(Reason::kComposeHashMismatch), "COMPOSE_HASH_MISMATCH");
  EXPECT_STREQ(to_string(Reason::kPhaseRetired), "PhaseRetired");
}

TEST(ReasonsTest, UnknownStringsParseToNothing) {
  EXPECT_FALSE(parse_reason(""));
  EXPECT_FALSE(parse_reason("published"));
  EXPECT_FALSE(parse_reason("Published "));
  EXPECT_FALSE(parse_reason(std::string("Published\0x", 11)));
  EXPECT_FALSE(parse_reason(std::string(100000, 'A')));
  EXPECT_EQ(reason_from_code("BAD_QUOTE", Reason::kAttestationRejected), Reason::kBadQuote);
  EXPECT_EQ(reason_from_code("SOMETHING_NEW", Reason::kAttestationRejected),
            Reason::kAttestationRejected);
}

// The README's reasons table (between its reasons:begin/end markers) lists exactly the enum.
TEST(ReasonsTest, ReadmeTableListsExactlyTheEnum) {
  std::ifstream in(std::string(CBX_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md not found";
  std::stringstream text;
  text << in.rdbuf();
  auto readme = text.str();
  auto begin = readme.find("<!-- reasons:begin -->");
  auto end = readme.find("<!-- reasons:end -->");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::set<std::string> documented;
  std::istringstream table(readme.substr(begin, end - begin));
  std::regex row(R"(^\| `([A-Za-z_]+)` \|)");
  for (std::string line; std::getline(table, line);) {
    std::smatch m;
    if (std::regex_search(line, m, row)) {
      EXPECT_TRUE(documented.insert(m[1]).second) << m[1] << " documented twice";
    }
  }
  std::set<std::string> listed;
  for (const auto& entry : all_reasons()) listed.insert(std::string(entry.text));
  EXPECT_EQ(documented, listed);
}

}  // namespace
}  // namespace cbx::op
