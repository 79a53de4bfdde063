// The routing client and publisher against the real boxo delegated-routing server
// (hack/routing-server): records signed here are accepted and come back byte-identical,
// tampered ones are refused, injected failures are retried, 429 Retry-After is honoured.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cbx/http/beast_client.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/validity.h"
#include "child_process.h"
#include "clients/routing_client.h"
#include "clients/routing_publisher.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;

struct RoutingServer {
  testing::ChildProcess process;
  std::string url;
  explicit RoutingServer(std::vector<std::string> args)
      : process(CBX_ROUTING_SERVER, [&] {
          args.insert(args.begin(), "--listen=127.0.0.1:0");
          return args;
        }()) {
    auto line = process.read_line(20s);
    if (line) url = nlohmann::json::parse(*line, nullptr, false).value("listening", "");
  }
};

struct SignedFolder {
  ed25519::KeyPair key = *ed25519::key_pair_from_seed(Bytes(32, 9));
  ipns::Name name = ipns::name_from_ed25519(key.public_key);
  Bytes record(std::uint64_t sequence) {
    auto validity = ipns::format_validity(std::chrono::time_point_cast<std::chrono::nanoseconds>(
        std::chrono::system_clock::now() + 48h));
    return *ipns::make_record(
        key, {"/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu", validity, sequence});
  }
};

std::unique_ptr<http::HttpTransport> transport() {
  auto client = http::make_beast_client({});
  return std::move(client.value());
}

TEST(RoutingServerTest, PublishedRecordResolvesByteIdentical) {
  RoutingServer server({});
  ASSERT_FALSE(server.url.empty());
  auto http = transport();
  RoutingClient client(*http, server.url);
  SignedFolder folder;
  auto record = folder.record(5);
  ASSERT_TRUE(client.publish(folder.name.text(), record).status);
  auto resolved = client.resolve(folder.name.text()).record;
  ASSERT_TRUE(resolved) << resolved.error().message;
  ASSERT_TRUE(*resolved);
  EXPECT_EQ(**resolved, record);
}

TEST(RoutingServerTest, UnknownNameResolvesToNothing) {
  RoutingServer server({});
  auto http = transport();
  RoutingClient client(*http, server.url);
  SignedFolder folder;
  auto resolved = client.resolve(folder.name.text()).record;
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_FALSE(*resolved);
}

TEST(RoutingServerTest, TamperedRecordIsRejectedNotRetried) {
  RoutingServer server({});
  auto http = transport();
  RoutingClient client(*http, server.url);
  SignedFolder folder;
  auto record = folder.record(1);
  record[record.size() - 3] ^= 1;  // inside the signed CBOR
  auto published = client.publish(folder.name.text(), record).status;
  ASSERT_FALSE(published);
  EXPECT_EQ(published.error().code, "REJECTED");
}

TEST(RoutingServerTest, InjectedServerErrorsAreRetriedUntilOneGoesThrough) {
  RoutingServer server({"--put-fail-rate=0.5", "--seed=7", "--fail-status=503"});
  auto http = transport();
  RoutingClient client(*http, server.url, RoutingOptions{5s, 8, 1ms});
  SignedFolder folder;
  for (std::uint64_t seq = 1; seq <= 10; ++seq) {
    ASSERT_TRUE(client.publish(folder.name.text(), folder.record(seq)).status) << seq;
  }
  auto resolved = client.resolve(folder.name.text()).record;
  ASSERT_TRUE(resolved && *resolved);
  EXPECT_EQ(ipns::unmarshal_record(**resolved)->sequence, 10u);
}

TEST(RoutingServerTest, RateLimitedEndpointIsSkippedUntilRetryAfter) {
  RoutingServer limited({"--put-fail-rate=1", "--fail-status=429", "--retry-after=60"});
  RoutingServer healthy({});
  auto http = transport();
  std::vector<std::unique_ptr<RoutingClient>> endpoints;
  endpoints.push_back(std::make_unique<RoutingClient>(*http, limited.url));
  endpoints.push_back(std::make_unique<RoutingClient>(*http, healthy.url));
  RoutingPublisher publisher(std::move(endpoints));
  SignedFolder folder;
  auto first = publisher.publish(folder.name.text(), folder.record(1));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].code, "RATE_LIMITED");
  EXPECT_TRUE(first[1].ok);
  auto second = publisher.publish(folder.name.text(), folder.record(2));
  EXPECT_EQ(second[0].message, "waiting for Retry-After");  // not even asked
  auto best = publisher.resolve(folder.name.text());
  ASSERT_TRUE(best && best->record);
  EXPECT_EQ(ipns::unmarshal_record(*best->record)->sequence, 2u);
  ASSERT_EQ(best->unanswered.size(), 1u);  // the rate-limited endpoint was not asked
  EXPECT_EQ(best->unanswered[0], limited.url + ": waiting for Retry-After");
}

// An endpoint that fails a lookup while another answers "not found": the answer says so, since
// the newest record may be on the failing one.
TEST(RoutingServerTest, ALookupNamesTheEndpointsThatDidNotAnswer) {
  RoutingServer failing({"--get-fail-rate=1", "--fail-status=503"});
  RoutingServer empty({});
  auto http = transport();
  std::vector<std::unique_ptr<RoutingClient>> endpoints;
  endpoints.push_back(std::make_unique<RoutingClient>(*http, failing.url));
  endpoints.push_back(std::make_unique<RoutingClient>(*http, empty.url));
  RoutingPublisher publisher(std::move(endpoints));
  SignedFolder folder;
  // Only the failing endpoint holds the record (its PUTs still work).
  ASSERT_TRUE(publisher.publish_at(failing.url, folder.name.text(), folder.record(2)).ok);
  auto lookup = publisher.resolve(folder.name.text());
  ASSERT_TRUE(lookup) << lookup.error().message;
  EXPECT_FALSE(lookup->record);  // the endpoint that holds sequence 2 did not answer
  ASSERT_EQ(lookup->unanswered.size(), 1u);
  EXPECT_EQ(lookup->unanswered[0].rfind(failing.url + ": ", 0), 0u) << lookup->unanswered[0];
}

// The server's 429 in both Retry-After forms (delay-seconds and HTTP-date, RFC 9110): each call
// reports the delay, from the date relative to now.
TEST(RoutingServerTest, RetryAfterIsReadInBothForms) {
  RoutingServer seconds({"--put-fail-rate=1", "--fail-status=429", "--retry-after=120"});
  RoutingServer date({"--put-fail-rate=1", "--fail-status=429", "--retry-after=120",
                      "--retry-after-form=http-date"});
  auto http = transport();
  SignedFolder folder;
  RoutingClient by_seconds(*http, seconds.url);
  auto a = by_seconds.publish(folder.name.text(), folder.record(1));
  ASSERT_FALSE(a.status);
  EXPECT_EQ(a.status.error().code, "RATE_LIMITED");
  EXPECT_EQ(a.retry_after, 120s);
  RoutingClient by_date(*http, date.url);
  auto b = by_date.publish(folder.name.text(), folder.record(1));
  ASSERT_FALSE(b.status);
  EXPECT_EQ(b.status.error().code, "RATE_LIMITED");
  ASSERT_TRUE(b.retry_after);
  // An HTTP-date has whole seconds: the delay is 119 or 120 s depending on where in a second the
  // server and the client read their clocks.
  EXPECT_GE(*b.retry_after, 118s);
  EXPECT_LE(*b.retry_after, 120s);
}

}  // namespace
}  // namespace cbx::op
