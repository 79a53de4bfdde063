#include "cbx/ipns/validity.h"

#include <gtest/gtest.h>

#include "ipns_test_util.h"

namespace cbx::ipns {
namespace {

using namespace std::chrono;

TimePoint at(int y, unsigned m, unsigned d, nanoseconds since_midnight = {}) {
  return TimePoint(sys_days(year(y) / month(m) / day(d)).time_since_epoch() + since_midnight);
}

TEST(ValidityTest, FormatsNineDigitsAndZ) {
  EXPECT_EQ(format_validity(at(2026, 1, 1)), "2026-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_validity(at(2100, 1, 3, milliseconds(123))), "2100-01-03T00:00:00.123000000Z");
  EXPECT_EQ(format_validity(
                at(2262, 4, 11, hours(23) + minutes(47) + seconds(16) + nanoseconds(854775807))),
            "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(
      format_validity(at(1969, 12, 31, hours(23) + minutes(59) + seconds(59) + nanoseconds(1))),
      "1969-12-31T23:59:59.000000001Z");
}

TEST(ValidityTest, ParsesZeroToNineFractionalDigitsAndOffsets) {
  const TimePoint base = at(2026, 6, 15, hours(12));
  EXPECT_EQ(*parse_validity("2026-06-15T12:00:00Z"), base);
  EXPECT_EQ(*parse_validity("2026-06-15T12:00:00.5Z"), base + milliseconds(500));
  EXPECT_EQ(*parse_validity("2026-06-15T12:00:00.000000001Z"), base + nanoseconds(1));
  EXPECT_EQ(*parse_validity("2026-06-15T12:00:00.123456789Z"), base + nanoseconds(123456789));
  EXPECT_EQ(*parse_validity("2026-06-15T14:30:00+02:30"), base);
  EXPECT_EQ(*parse_validity("2026-06-15T07:00:00-05:00"), base);
  EXPECT_EQ(*parse_validity("2024-02-29T00:00:00Z"), at(2024, 2, 29));
}

TEST(ValidityTest, RoundTripsThroughFormat) {
  for (auto t : {at(2026, 1, 1, nanoseconds(1)),
                 at(2000, 2, 29, hours(23) + nanoseconds(999999999)), at(1970, 1, 1)}) {
    auto parsed = parse_validity(format_validity(t));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, t);
  }
}

TEST(ValidityTest, FarValiditySaturatesButStaysExactAsText) {
  auto far = parse_validity("2999-12-31T23:59:59.999999999Z");
  ASSERT_TRUE(far.ok());
  EXPECT_EQ(*far, TimePoint::max());
  EXPECT_EQ(*canonical_validity("2999-06-15T12:00:00Z"), "2999-06-15T12:00:00.000000000Z");
  EXPECT_EQ(*canonical_validity("2999-06-15T13:00:00+01:00"), "2999-06-15T12:00:00.000000000Z");
  EXPECT_EQ(*canonical_validity("9999-12-31T23:59:59.1Z"), "9999-12-31T23:59:59.100000000Z");
  EXPECT_EQ(*parse_validity("1000-01-01T00:00:00Z"), TimePoint::min());
}

TEST(ValidityTest, ExpiryIsAMillisecondComparison) {
  const TimePoint now = at(2026, 1, 1);
  EXPECT_TRUE(*validity_expired("2025-12-31T23:59:59.999999999Z", now));
  EXPECT_FALSE(*validity_expired("2026-01-01T00:00:00.000000000Z", now));
  EXPECT_FALSE(*validity_expired("2025-12-31T23:59:59.999Z", now - microseconds(1)));
  EXPECT_FALSE(*validity_expired("2999-12-31T23:59:59.999999999Z", now));
  EXPECT_TRUE(*validity_expired("2020-01-01T00:00:00.000000000Z", now));
  EXPECT_FALSE(validity_expired("soon", now).ok());
}

TEST(ValidityTest, GarbageIsRejected) {
  for (const char* text : {"",
                           "2026",
                           "2026-01-01",
                           "2026-01-01T00:00:00",
                           "2026-01-01 00:00:00Z",
                           "2026-01-01t00:00:00Z",
                           "2026-01-01T00:00:00z",
                           "2026-13-01T00:00:00Z",
                           "2026-02-29T00:00:00Z",
                           "2026-01-32T00:00:00Z",
                           "2026-01-01T24:00:00Z",
                           "2026-01-01T00:60:00Z",
                           "2026-01-01T00:00:60Z",
                           "2026-01-01T00:00:00.Z",
                           "2026-01-01T00:00:00.1234567890Z",
                           "2026-01-01T00:00:00+0100",
                           "2026-01-01T00:00:00+24:00",
                           "2026-01-01T00:00:00Z ",
                           " 2026-01-01T00:00:00Z",
                           "+2026-01-01T00:00:00Z",
                           "2026-1-01T00:00:00Z",
                           "２026-01-01T00:00:00Z"}) {
    SCOPED_TRACE(text);
    auto t = parse_validity(text);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, "BAD_VALIDITY");
  }
}

}  // namespace
}  // namespace cbx::ipns
