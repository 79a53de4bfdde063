#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fakes.h"
#include "kube/micro_time.h"
#include "kube/rate_limiter.h"
#include "kube/token_source.h"

namespace cbx::kube {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

TEST(TokenBucket, AllowsABurstThenSpacesRequestsAtQps) {
  FakeClock clock;
  TokenBucket bucket(10, 3, clock);
  EXPECT_EQ(bucket.reserve(), Duration::zero());
  EXPECT_EQ(bucket.reserve(), Duration::zero());
  EXPECT_EQ(bucket.reserve(), Duration::zero());
  EXPECT_EQ(bucket.reserve(), Duration(100ms));
  EXPECT_EQ(bucket.reserve(), Duration(200ms)) << "callers queue up in time";
  clock.advance(1s);  // refills, but never above the burst
  EXPECT_EQ(bucket.reserve(), Duration::zero());
}

TEST(TokenBucket, ZeroQpsDisablesTheLimit) {
  FakeClock clock;
  TokenBucket bucket(0, 1, clock);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(bucket.reserve(), Duration::zero());
}

TEST(TokenSource, RereadsTheTokenFileAfterTheRefreshInterval) {
  FakeClock clock;
  char tmpl[] = "/tmp/cbx-token-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(tmpl) << "first\n";
  TokenSource tokens("", tmpl, clock, 60s);
  EXPECT_EQ(tokens.token(), "first");
  std::ofstream(tmpl) << "second\n";
  clock.advance(30s);
  EXPECT_EQ(tokens.token(), "first");
  clock.advance(30s);
  EXPECT_EQ(tokens.token(), "second");
  std::filesystem::remove(tmpl);
  EXPECT_EQ(TokenSource("static", "").token(), "static");
}

TEST(MicroTime, FormatsAndParsesMicroseconds) {
  WallTime t =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + 15h + 4min + 5s + 123456us;
  EXPECT_EQ(format_micro_time(t), "2026-11-25T15:04:05.123456Z");
  EXPECT_EQ(parse_micro_time("2026-11-25T15:04:05.123456Z"), t);
  EXPECT_FALSE(parse_micro_time("yesterday"));
}

}  // namespace
}  // namespace cbx::kube
