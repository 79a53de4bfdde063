#include "cbx/base/duration.h"

#include <gtest/gtest.h>

namespace cbx {
namespace {

using namespace std::chrono_literals;

TEST(DurationTest, ParsesGoDurations) {
  EXPECT_EQ(parse_duration("48h"), Nanos{48h});
  EXPECT_EQ(parse_duration("1h30m"), Nanos{90min});
  EXPECT_EQ(parse_duration("1.5h"), Nanos{90min});
  EXPECT_EQ(parse_duration("300ms"), Nanos{300ms});
  EXPECT_EQ(parse_duration("5m"), Nanos{5min});
  EXPECT_EQ(parse_duration("0"), Nanos{0});
}

TEST(DurationTest, RejectsMalformedDurations) {
  for (auto bad : {"", "h", "5", "5d", "-5m", "1h-", "abc", "99999999999999999999h"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

// Found by fuzz/go_duration_fuzz: digit strings too long for std::stold threw out_of_range.
TEST(DurationTest, VeryLongNumbersNeitherThrowNorOverflow) {
  std::string nines(5000, '9'), zeros(5000, '0');
  EXPECT_NO_THROW(EXPECT_FALSE(parse_duration(nines + "h")));
  EXPECT_NO_THROW(EXPECT_EQ(parse_duration("0." + zeros + "1h"), Nanos{0}));
  EXPECT_NO_THROW(EXPECT_EQ(parse_duration(zeros + "5m"), Nanos{5min}));
  EXPECT_NO_THROW(EXPECT_EQ(parse_duration("1.5" + zeros + "h"), Nanos{90min}));
}

TEST(DurationTest, FormatsShortestForm) {
  EXPECT_EQ(format_duration(48h), "48h");
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(5min), "5m");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(Nanos{0}), "0s");
}

TEST(DurationTest, Rfc3339RoundTripsAndHonoursOffsets) {
  auto t = parse_rfc3339("2026-11-25T15:10:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-25T15:10:00Z");
  EXPECT_EQ(parse_rfc3339("2026-11-25T16:10:00+01:00"), t);
  auto frac = parse_rfc3339("2026-11-25T15:10:00.5Z");
  ASSERT_TRUE(frac);
  EXPECT_EQ(*frac - *t, Nanos{500ms});
  for (auto bad : {"2026-11-25", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-25T15:10:00",
                   "2026-11-25T15:10:00.Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

}  // namespace
}  // namespace cbx
