#include "kube/client.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace cbx::kube {
namespace {

using testing::response;
using testing::ScriptedTransport;

struct ClientTest : ::testing::Test {
  ClientTest() {
    auto owned = std::make_unique<ScriptedTransport>();
    transport = owned.get();
    KubeClientOptions options;
    options.qps = 0;
    options.observe = [this](std::string_view verb, std::string_view code) {
      observed.push_back(std::string(verb) + " " + std::string(code));
    };
    options.sleep = [this](Duration d) { slept.push_back(d); };
    client = std::make_unique<KubeClient>(std::move(owned), "https://api:6443/",
                                          TokenSource("tok", ""), "ns", options);
  }
  ScriptedTransport* transport;
  std::unique_ptr<KubeClient> client;
  std::vector<std::string> observed;
  std::vector<Duration> slept;
};

TEST_F(ClientTest, GetBuildsThePathAndSendsTheBearerToken) {
  transport->answers.push_back(response(200, R"({"metadata":{"name":"x"}})"));
  auto got = client->get(resources::kIpnsRepublish, "team-a", "x");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ((*got)["metadata"]["name"], "x");
  auto req = transport->requests().at(0);
  EXPECT_EQ(
      req.url,
      "https://api:6443/apis/republish.cipherbox.io/v1alpha1/namespaces/team-a/ipnsrepublishes/x");
  EXPECT_EQ(http::find_header(req.headers, "authorization"), "Bearer tok");
  EXPECT_EQ(observed, std::vector<std::string>{"GET 200"});
}

TEST_F(ClientTest, MapsApiStatusesToErrorCodes) {
  const std::vector<std::pair<int, std::string>> cases = {
      {404, "NOT_FOUND"},    {409, "CONFLICT"}, {410, "GONE"},         {403, "FORBIDDEN"},
      {401, "UNAUTHORIZED"}, {422, "INVALID"},  {500, "SERVER_ERROR"}, {504, "TIMEOUT"}};
  for (const auto& [status, code] : cases) {
    transport->answers.push_back(
        response(status, R"({"kind":"Status","reason":"X","message":"the server said no"})"));
    auto got = client->get(resources::kTeeEpoch, "", "e1");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, code) << status;
    EXPECT_EQ(got.error().message, "the server said no");
  }
  transport->answers.push_back(response(409, R"({"reason":"AlreadyExists","message":"exists"})"));
  auto created = client->create(resources::kLease, "ns", json::object());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "ALREADY_EXISTS");
  transport->answers.push_back(make_error("TIMEOUT", "read timed out"));
  auto timed_out = client->get(resources::kLease, "ns", "l");
  EXPECT_EQ(timed_out.error().code, "TIMEOUT");
  transport->answers.push_back(make_error("TLS", "handshake"));
  auto tls = client->get(resources::kLease, "ns", "l");
  EXPECT_EQ(tls.error().code, "TRANSPORT");
}

http::Response too_many(std::string retry_after) {
  auto r = response(429, R"({"kind":"Status","reason":"TooManyRequests","message":"slow down"})");
  if (!retry_after.empty()) r.headers.emplace_back("Retry-After", std::move(retry_after));
  return r;
}

// The API server's Priority and Fairness answers 429 before it processed anything: the request
// (a write too) is sent again after Retry-After, as client-go does.
TEST_F(ClientTest, TooManyRequestsIsRetriedAfterTheServersRetryAfter) {
  transport->answers.push_back(too_many("3"));
  transport->answers.push_back(too_many(""));
  transport->answers.push_back(response(200, R"({"metadata":{"name":"x"}})"));
  auto got = client->patch_status(resources::kIpnsRepublish, "ns", "x", "7", json{{"a", 1}});
  ASSERT_TRUE(got.ok()) << got.error().message;
  auto reqs = transport->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[2].body, reqs[0].body);
  EXPECT_EQ(reqs[2].method, "PATCH");
  EXPECT_EQ(slept, (std::vector<Duration>{std::chrono::seconds(3), std::chrono::seconds(1)}));
  EXPECT_EQ(observed, (std::vector<std::string>{"PATCH 429", "PATCH 429", "PATCH 200"}));
}

// A hostile or broken Retry-After cannot park the operator: capped, and garbage means 1 s.
TEST_F(ClientTest, RetryAfterIsCappedAndGarbageMeansOneSecond) {
  for (const char* value : {"86400", "-5", "1e9", "soon", "18446744073709551616", " 2"}) {
    transport->answers.push_back(too_many(value));
  }
  transport->answers.push_back(response(200, "{}"));
  ASSERT_TRUE(client->get(resources::kTeeEpoch, "", "e1").ok());
  using std::chrono::seconds;
  EXPECT_EQ(slept, (std::vector<Duration>{seconds(10), seconds(1), seconds(1), seconds(1),
                                          seconds(1), seconds(1)}));
}

TEST_F(ClientTest, TooManyRequestsGivesUpAfterTenRetries) {
  for (int i = 0; i < 11; ++i) transport->answers.push_back(too_many("1"));
  transport->answers.push_back(response(200, "{}"));  // never reached
  auto got = client->get(resources::kTeeEpoch, "", "e1");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "TOO_MANY_REQUESTS");
  EXPECT_EQ(got.error().message, "slow down");
  EXPECT_EQ(transport->requests().size(), 11u);
  EXPECT_EQ(slept.size(), 10u);
}

TEST_F(ClientTest, ListFollowsContinueTokens) {
  transport->answers.push_back(response(
      200,
      R"({"metadata":{"resourceVersion":"41","continue":"c1"},"items":[{"metadata":{"name":"a"}}]})"));
  transport->answers.push_back(response(
      200, R"({"metadata":{"resourceVersion":"41"},"items":[{"metadata":{"name":"b"}}]})"));
  ListOptions options;
  options.limit = 1;
  options.label_selector = "app=x";
  auto all = client->list(resources::kIpnsRepublish, "", options);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[1]["metadata"]["name"], "b");
  EXPECT_EQ(all->items[1]["kind"], "IpnsRepublish");
  EXPECT_EQ(all->items[1]["apiVersion"], "republish.cipherbox.io/v1alpha1");
  EXPECT_EQ(all->resource_version, "41");
  auto reqs = transport->requests();
  EXPECT_EQ(reqs[0].url,
            "https://api:6443/apis/republish.cipherbox.io/v1alpha1/"
            "ipnsrepublishes?labelSelector=app%3Dx&limit=1");
  EXPECT_NE(reqs[1].url.find("&continue=c1"), std::string::npos);
}

TEST_F(ClientTest, AnExpiredContinueTokenFallsBackToOneFullList) {
  transport->answers.push_back(response(
      200,
      R"({"metadata":{"resourceVersion":"41","continue":"c1"},"items":[{"metadata":{"name":"a"}}]})"));
  transport->answers.push_back(
      response(410, R"({"reason":"Expired","message":"continue too old"})"));
  transport->answers.push_back(response(
      200,
      R"({"metadata":{"resourceVersion":"90"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})"));
  ListOptions options;
  options.limit = 1;
  auto all = client->list(resources::kIpnsRepublish, "ns", options);
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->resource_version, "90");
  auto last = transport->requests().back().url;
  EXPECT_EQ(last.find("limit="), std::string::npos) << last;
  EXPECT_EQ(last.find("continue="), std::string::npos) << last;
}

TEST_F(ClientTest, WatchSplitsEventsAcrossChunkBoundaries) {
  transport->streams.push_back(
      {200,
       {R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}})"
        "\n{\"type\":\"MODI",
        R"(FIED","object":{"metadata":{"name":"a","resourceVersion":"6"}}})"
        "\n",
        R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}})"
        "\n"},
       ""});
  std::vector<std::string> seen;
  WatchOptions options;
  options.resource_version = "4";
  auto status = client->watch(resources::kIpnsRepublish, "ns", options, [&](const WatchEvent& e) {
    seen.push_back(e.type + "@" + e.object["metadata"]["resourceVersion"].get<std::string>());
    return true;
  });
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED@5", "MODIFIED@6", "BOOKMARK@9"}));
  auto url = transport->requests().at(0).url;
  EXPECT_NE(url.find("watch=1&resourceVersion=4&allowWatchBookmarks=true&timeoutSeconds=300"),
            std::string::npos);
}

TEST_F(ClientTest, WatchReportsExpiredResourceVersionAsGone) {
  transport->streams.push_back(
      {200,
       {R"J({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 1 (5)"}})J"
        "\n"},
       ""});
  auto in_stream =
      client->watch(resources::kIpnsRepublish, "ns", {}, [](const WatchEvent&) { return true; });
  ASSERT_FALSE(in_stream.ok());
  EXPECT_EQ(in_stream.error().code, "GONE");
  transport->streams.push_back({410, {}, R"({"reason":"Expired","message":"gone"})"});
  auto as_status =
      client->watch(resources::kIpnsRepublish, "ns", {}, [](const WatchEvent&) { return true; });
  ASSERT_FALSE(as_status.ok());
  EXPECT_EQ(as_status.error().code, "GONE");
}

TEST_F(ClientTest, StatusPatchCarriesTheResourceVersionPrecondition) {
  transport->answers.push_back(response(200, "{}"));
  auto patched =
      client->patch_status(resources::kIpnsRepublish, "ns", "x", "77", json{{"sequence", "3"}});
  ASSERT_TRUE(patched.ok());
  auto req = transport->requests().at(0);
  EXPECT_EQ(req.method, "PATCH");
  EXPECT_TRUE(req.url.ends_with("/namespaces/ns/ipnsrepublishes/x/status"));
  EXPECT_EQ(http::find_header(req.headers, "content-type"), "application/merge-patch+json");
  EXPECT_EQ(json::parse(req.body),
            (json{{"metadata", {{"resourceVersion", "77"}}}, {"status", {{"sequence", "3"}}}}));
}

TEST_F(ClientTest, JsonPatchAndDelete) {
  transport->answers.push_back(response(200, "{}"));
  transport->answers.push_back(response(200, R"({"kind":"Status","status":"Success"})"));
  json ops = json::array({{{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", "1"}}});
  ASSERT_TRUE(client->patch(resources::kTeeEpoch, "", "e1", PatchType::json_patch, ops).ok());
  ASSERT_TRUE(client->remove(resources::kTeeEpoch, "", "e1").ok());
  auto reqs = transport->requests();
  EXPECT_EQ(http::find_header(reqs[0].headers, "content-type"), "application/json-patch+json");
  EXPECT_EQ(reqs[0].url, "https://api:6443/apis/republish.cipherbox.io/v1alpha1/teeepochs/e1");
  EXPECT_EQ(reqs[1].method, "DELETE");
}

TEST(RetryOnConflict, RetriesOnlyConflicts) {
  int calls = 0;
  auto result = retry_on_conflict(5, [&]() -> Result<int> {
    if (++calls < 3) return make_error("CONFLICT", "stale");
    return 7;
  });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(calls, 3);
  calls = 0;
  auto other = retry_on_conflict(5, [&]() -> Result<int> {
    ++calls;
    return make_error("FORBIDDEN", "no");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(other.ok());
  calls = 0;
  auto exhausted = retry_on_conflict(2, [&]() -> Result<int> {
    ++calls;
    return make_error("CONFLICT", "stale");
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(exhausted.error().code, "CONFLICT");
}

}  // namespace
}  // namespace cbx::kube
