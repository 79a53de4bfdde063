// Retry and status-code handling of the routing client. The transport here is a scripted fake:
// it injects failures (resets, 5xx, 429) that a healthy routing server does not produce on
// demand. The same client runs against the real boxo routing server in the integration tests.
#include "clients/routing_client.h"

#include <gtest/gtest.h>

#include <deque>

namespace cbx::op {
namespace {

class ScriptedTransport : public http::HttpTransport {
 public:
  std::deque<Result<http::Response>> answers;
  std::vector<http::Request> seen;

  Result<http::Response> request(const http::Request& r) override {
    seen.push_back(r);
    auto next = answers.front();
    answers.pop_front();
    return next;
  }
  Result<http::Response> stream(const http::Request&, const http::ChunkHandler&,
                                http::Cancellation*) override {
    return make_error("TRANSPORT", "not used");
  }
};

http::Response answer(int status, std::string body = "", std::string type = "") {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  if (!type.empty()) r.headers.emplace_back("Content-Type", type);
  return r;
}

struct Fixture {
  ScriptedTransport transport;
  std::vector<std::chrono::milliseconds> sleeps;
  RoutingClient client{transport, "http://127.0.0.1:1/", {},
                       [this](std::chrono::milliseconds d) { sleeps.push_back(d); }};
};

TEST(RoutingClientTest, PublishPutsTheRecordWithTheIpnsMediaType) {
  Fixture f;
  f.transport.answers.push_back(answer(200));
  Bytes record{1, 2, 3};
  ASSERT_TRUE(f.client.publish("k51abc", record).status);
  ASSERT_EQ(f.transport.seen.size(), 1u);
  EXPECT_EQ(f.transport.seen[0].method, "PUT");
  EXPECT_EQ(f.transport.seen[0].url, "http://127.0.0.1:1/routing/v1/ipns/k51abc");
  EXPECT_EQ(http::find_header(f.transport.seen[0].headers, "content-type"), kIpnsRecordMediaType);
  EXPECT_EQ(f.transport.seen[0].body, std::string("\x01\x02\x03", 3));
}

TEST(RoutingClientTest, TransportErrorsAndServerErrorsAreRetriedWithGrowingDelay) {
  Fixture f;
  f.transport.answers.push_back(make_error("TRANSPORT", "connection reset"));
  f.transport.answers.push_back(answer(503, "busy"));
  f.transport.answers.push_back(answer(200));
  EXPECT_TRUE(f.client.publish("k51abc", Bytes{1}).status);
  EXPECT_EQ(f.transport.seen.size(), 3u);
  ASSERT_EQ(f.sleeps.size(), 2u);
  EXPECT_LT(f.sleeps[0], f.sleeps[1]);
}

TEST(RoutingClientTest, GivesUpAsUnavailableAfterTheLastAttempt) {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.transport.answers.push_back(answer(500, "boom"));
  auto r = f.client.publish("k51abc", Bytes{1}).status;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "UNAVAILABLE");
  EXPECT_NE(r.error().message.find("500"), std::string::npos);
}

TEST(RoutingClientTest, RejectedRecordsAreNotRetried) {
  Fixture f;
  f.transport.answers.push_back(answer(400, "provided record is invalid: signature"));
  auto r = f.client.publish("k51abc", Bytes{1}).status;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "REJECTED");
  EXPECT_EQ(f.transport.seen.size(), 1u);
}

TEST(RoutingClientTest, RateLimitReportsRetryAfterInThatCallsAnswer) {
  Fixture f;
  auto limited = answer(429);
  limited.headers.emplace_back("Retry-After", "17");
  f.transport.answers.push_back(limited);
  auto r = f.client.publish("k51abc", Bytes{1});
  ASSERT_FALSE(r.status);
  EXPECT_EQ(r.status.error().code, "RATE_LIMITED");
  EXPECT_EQ(r.retry_after, std::chrono::seconds(17));
}

TEST(RoutingClientTest, ResolveReadsOnlyIpnsRecordsAsFound) {
  Fixture f;
  f.transport.answers.push_back(answer(200, "rec", kIpnsRecordMediaType));
  f.transport.answers.push_back(answer(200, "delegate error: not found", "text/plain"));
  f.transport.answers.push_back(answer(404));
  auto found = f.client.resolve("k51abc").record;
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(to_string(**found), "rec");
  EXPECT_EQ(http::find_header(f.transport.seen[0].headers, "accept"), kIpnsRecordMediaType);
  auto plain = f.client.resolve("k51abc").record;
  ASSERT_TRUE(plain);
  EXPECT_FALSE(*plain);
  auto missing = f.client.resolve("k51abc").record;
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

}  // namespace
}  // namespace cbx::op
