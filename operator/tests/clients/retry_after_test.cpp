// Retry-After (RFC 9110 §10.2.3) as the routing client reads it: delay-seconds and the three
// HTTP-date forms, clamped to 0…1 h without overflow, and carried in each call's own answer.
#include "clients/retry_after.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "clients/routing_client.h"
#include "clients/routing_publisher.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using std::chrono::seconds;

const SysTime kNow = *parse_rfc3339("2026-11-30T12:00:00Z");  // a Monday

TEST(RetryAfterTest, DelaySeconds) {
  EXPECT_EQ(parse_retry_after("0", kNow), 0s);
  EXPECT_EQ(parse_retry_after("17", kNow), 17s);
  EXPECT_EQ(parse_retry_after(" 120\t", kNow), 120s);
  EXPECT_EQ(parse_retry_after("3600", kNow), 3600s);
}

TEST(RetryAfterTest, HugeDelaysAreClampedToOneHourWithoutOverflow) {
  EXPECT_EQ(parse_retry_after("3601", kNow), 3600s);
  EXPECT_EQ(parse_retry_after("10000000000", kNow), 3600s);
  EXPECT_EQ(parse_retry_after("9223372036854775807", kNow), 3600s);
  EXPECT_EQ(parse_retry_after("99999999999999999999999999999999999999999999", kNow), 3600s);
}

TEST(RetryAfterTest, AnythingElseIsUnspecified) {
  for (const char* bad : {"", " ", "-1", "-9223372036854775808", "+5", "1.5", "1e3", "5s", "0x10",
                          "tomorrow", "Mon, 30 Nov 2026 12:00:00 UTC",
                          "mon, 30 Nov 2026 12:00:00 GMT", "Mon, 31 Nov 2026 12:00:00 GMT",
                          "Mon, 30 Nov 2026 24:00:00 GMT", "Mon, 30 Nov 2026 12:00:00 GMT x",
                          "Mon, 3 Nov 2026 12:00:00 GMT", "Monday, 30 Nov 2026 12:00:00 GMT"}) {
    EXPECT_EQ(parse_retry_after(bad, kNow), std::nullopt) << "'" << bad << "'";
  }
}

TEST(RetryAfterTest, ImfFixdateIsTheDelayFromNow) {
  EXPECT_EQ(parse_retry_after("Mon, 30 Nov 2026 12:02:00 GMT", kNow), 120s);
  EXPECT_EQ(parse_retry_after("Mon, 30 Nov 2026 12:00:00 GMT", kNow), 0s);
  EXPECT_EQ(parse_retry_after("Tue, 01 Dec 2026 00:00:00 GMT", kNow), 3600s) << "clamped";
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kNow), 0s) << "a past date";
  EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow), 3600s);
  EXPECT_EQ(parse_retry_after("Sat, 01 Jan 0000 00:00:00 GMT", kNow), 0s);
}

TEST(RetryAfterTest, ObsoleteDateFormsAreAccepted) {
  EXPECT_EQ(parse_retry_after("Monday, 30-Nov-26 12:01:30 GMT", kNow), 90s);
  EXPECT_EQ(parse_retry_after("Mon Nov 30 12:00:45 2026", kNow), 45s);
  EXPECT_EQ(parse_retry_after("Tue Dec  1 11:59:59 2026", kNow), 3600s);
  // A two-digit year more than 50 years ahead is the past century's (RFC 9110 §5.6.7).
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", kNow), 784111777);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-76 08:49:37 GMT", kNow),
            parse_http_date("Sat, 06 Nov 2076 08:49:37 GMT", kNow));
}

// A transport that answers 429 with the Retry-After the test scripts per request.
class RateLimitingTransport : public http::HttpTransport {
 public:
  std::mutex mutex;
  std::deque<std::string> retry_afters;
  Result<http::Response> request(const http::Request&) override {
    std::lock_guard lock(mutex);
    http::Response r;
    r.status = 429;
    r.headers.emplace_back("Retry-After", retry_afters.front());
    retry_afters.pop_front();
    return r;
  }
  Result<http::Response> stream(const http::Request&, const http::ChunkHandler&,
                                http::Cancellation*) override {
    return make_error("TRANSPORT", "not used");
  }
};

RoutingClient::Now fixed_now() {
  return [] { return kNow; };
}

TEST(RetryAfterTest, PublisherBlocksTheEndpointForAtMostAnHour) {
  RateLimitingTransport transport;
  transport.retry_afters = {"10000000000", "-1", "Mon, 30 Nov 2026 12:05:00 GMT"};
  std::vector<std::unique_ptr<RoutingClient>> endpoints;
  endpoints.push_back(std::make_unique<RoutingClient>(transport, "http://r", RoutingOptions{},
                                                      nullptr, fixed_now()));
  auto steady = std::chrono::steady_clock::time_point{} + 1000h;
  RoutingPublisher publisher(std::move(endpoints), [&] { return steady; });
  auto first = publisher.publish("k51abc", Bytes{1});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].retry_after, 3600s);
  steady += 3600s;
  auto negative = publisher.publish("k51abc", Bytes{1});
  EXPECT_EQ(negative[0].retry_after, kDefaultRetryAfter) << "an invalid value is no value";
  steady += kDefaultRetryAfter;
  auto date = publisher.publish("k51abc", Bytes{1});
  EXPECT_EQ(date[0].retry_after, 300s);
}

// Many workers share one RoutingClient: one call's Retry-After must never show up in another's
// result. Worker A is held between its 429 and reading the Retry-After while worker B gets a 429
// with another value.
TEST(RetryAfterTest, EachCallReportsItsOwnRetryAfter) {
  RateLimitingTransport transport;
  transport.retry_afters = {"5", "7"};
  std::vector<std::unique_ptr<RoutingClient>> endpoints;
  endpoints.push_back(std::make_unique<RoutingClient>(transport, "http://r", RoutingOptions{},
                                                      nullptr, fixed_now()));
  RoutingClient& shared = *endpoints.front();
  std::mutex mutex;
  std::condition_variable cv;
  bool a_holding = false, b_done = false;
  int a_clock_reads = 0;
  std::thread::id a_id;
  RoutingPublisher publisher(std::move(endpoints), [&] {
    std::unique_lock lock(mutex);
    if (std::this_thread::get_id() == a_id && ++a_clock_reads == 2) {  // in note_rate_limit
      a_holding = true;
      cv.notify_all();
      cv.wait(lock, [&] { return b_done; });
    }
    return std::chrono::steady_clock::time_point{} + 1000h;
  });
  std::vector<RoutingPutAnswer> a_result;
  std::thread a([&] {
    {
      std::lock_guard lock(mutex);
      a_id = std::this_thread::get_id();
    }
    a_result = publisher.publish("k51aaa", Bytes{1});
  });
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return a_holding; });
  }
  auto b = shared.publish("k51bbb", Bytes{2});
  EXPECT_EQ(b.retry_after, 7s);
  {
    std::lock_guard lock(mutex);
    b_done = true;
  }
  cv.notify_all();
  a.join();
  ASSERT_EQ(a_result.size(), 1u);
  EXPECT_EQ(a_result[0].retry_after, 5s);
}

}  // namespace
}  // namespace cbx::op
