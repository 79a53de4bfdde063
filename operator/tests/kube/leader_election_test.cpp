#include "kube/leader_election.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace cbx::kube {
namespace {

using namespace std::chrono_literals;

const WallTime kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25};

LeaseRecord held_by(const std::string& holder, int transitions = 2) {
  LeaseRecord r;
  r.holder = holder;
  r.lease_duration_seconds = 15;
  r.acquire_time = kNow - 1h;
  r.renew_time = kNow - 5s;
  r.transitions = transitions;
  r.resource_version = "9";
  return r;
}

TEST(DecideLease, CreatesAMissingLease) {
  auto d = decide_lease(std::nullopt, "me", false, 15s, kNow);
  EXPECT_TRUE(d.take);
  EXPECT_TRUE(d.create);
  EXPECT_EQ(d.next.holder, "me");
  EXPECT_EQ(d.next.lease_duration_seconds, 15);
  EXPECT_EQ(d.next.acquire_time, kNow);
  EXPECT_EQ(d.next.transitions, 0);
}

TEST(DecideLease, LeavesAValidLeaseOfAnotherHolderAlone) {
  EXPECT_FALSE(decide_lease(held_by("other"), "me", false, 15s, kNow).take);
}

TEST(DecideLease, TakesOverAnExpiredLeaseAndCountsTheTransition) {
  auto d = decide_lease(held_by("other"), "me", true, 15s, kNow);
  EXPECT_TRUE(d.take);
  EXPECT_FALSE(d.create);
  EXPECT_EQ(d.next.holder, "me");
  EXPECT_EQ(d.next.transitions, 3);
  EXPECT_EQ(d.next.acquire_time, kNow);
  EXPECT_EQ(d.next.resource_version, "9") << "the update is conditional on what we read";
}

TEST(DecideLease, TakesAReleasedLeaseAtOnce) {
  auto d = decide_lease(held_by(""), "me", false, 15s, kNow);
  EXPECT_TRUE(d.take);
  EXPECT_EQ(d.next.holder, "me");
}

TEST(DecideLease, RenewingKeepsAcquireTimeAndTransitions) {
  auto d = decide_lease(held_by("me"), "me", false, 15s, kNow);
  EXPECT_TRUE(d.take);
  EXPECT_EQ(d.next.acquire_time, kNow - 1h);
  EXPECT_EQ(d.next.renew_time, kNow);
  EXPECT_EQ(d.next.transitions, 2);
}

TEST(LeaseJson, RoundTripsTheRecord) {
  LeaseRecord r = held_by("me");
  json j = lease_to_json(r, "op", "cipherbox-republish");
  EXPECT_EQ(j["metadata"]["namespace"], "op");
  EXPECT_EQ(j["spec"]["holderIdentity"], "me");
  LeaseRecord back = lease_from_json(j);
  EXPECT_EQ(back.holder, "me");
  EXPECT_EQ(back.renew_time, r.renew_time);
  EXPECT_EQ(back.transitions, 2);
  EXPECT_EQ(back.resource_version, "9");
  r.holder.clear();
  EXPECT_FALSE(lease_to_json(r, "op", "l")["spec"].contains("holderIdentity"));
}

}  // namespace
}  // namespace cbx::kube

namespace cbx::kube {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::response;
using testing::ScriptedTransport;

std::string lease_body(const std::string& holder, const std::string& rv,
                       const std::string& renew = "2020-01-01T00:00:00.000000Z") {
  return R"({"metadata":{"name":"cipherbox-republish","namespace":"op","resourceVersion":")" + rv +
         R"("},"spec":{"holderIdentity":")" + holder +
         R"(","leaseDurationSeconds":15,"renewTime":")" + renew + R"(","leaseTransitions":4}})";
}

struct ElectorTest : ::testing::Test {
  ElectorTest() {
    auto owned = std::make_unique<ScriptedTransport>();
    transport = owned.get();
    KubeClientOptions options;
    options.qps = 0;
    client =
        std::make_unique<KubeClient>(std::move(owned), "https://api", TokenSource(), "op", options);
    LeaderElectionConfig config;
    config.namespace_name = "op";
    config.identity = "me";
    elector = std::make_unique<LeaderElector>(*client, config, LeaderCallbacks{}, clock);
  }
  FakeClock clock;
  ScriptedTransport* transport;
  std::unique_ptr<KubeClient> client;
  std::unique_ptr<LeaderElector> elector;
};

TEST_F(ElectorTest, ExpiryIsMeasuredOnOurClockFromWhenTheRecordLastChanged) {
  // The holder's renewTime is years old (its clock may be wrong); what counts is that we have
  // not seen the record change for a whole lease duration.
  transport->answers.push_back(response(200, lease_body("other", "7")));
  EXPECT_FALSE(elector->try_acquire_or_renew());
  clock.advance(14s);
  transport->answers.push_back(response(200, lease_body("other", "7")));
  EXPECT_FALSE(elector->try_acquire_or_renew());
  clock.advance(1s);
  transport->answers.push_back(response(200, lease_body("other", "7")));
  transport->answers.push_back(response(200, lease_body("me", "8")));
  EXPECT_TRUE(elector->try_acquire_or_renew());
  auto put = transport->requests().back();
  EXPECT_EQ(put.method, "PUT");
  auto body = json::parse(put.body);
  EXPECT_EQ(body["spec"]["holderIdentity"], "me");
  EXPECT_EQ(body["spec"]["leaseTransitions"], 5);
  EXPECT_EQ(body["metadata"]["resourceVersion"], "7");
}

TEST_F(ElectorTest, ARenewalByTheHolderRestartsTheWait) {
  transport->answers.push_back(response(200, lease_body("other", "7")));
  EXPECT_FALSE(elector->try_acquire_or_renew());
  clock.advance(10s);
  transport->answers.push_back(
      response(200, lease_body("other", "9", "2020-01-01T00:00:10.000000Z")));
  EXPECT_FALSE(elector->try_acquire_or_renew());
  clock.advance(10s);  // 20 s since the first sight, 10 s since the renewal
  transport->answers.push_back(
      response(200, lease_body("other", "9", "2020-01-01T00:00:10.000000Z")));
  EXPECT_FALSE(elector->try_acquire_or_renew());
}

TEST_F(ElectorTest, LosingTheWriteRaceIsNotLeading) {
  transport->answers.push_back(response(404, R"({"reason":"NotFound"})"));
  transport->answers.push_back(response(409, R"({"reason":"AlreadyExists"})"));
  EXPECT_FALSE(elector->try_acquire_or_renew());
  transport->answers.push_back(response(404, R"({"reason":"NotFound"})"));
  transport->answers.push_back(response(201, lease_body("me", "1")));
  EXPECT_TRUE(elector->try_acquire_or_renew());
  EXPECT_EQ(transport->requests().back().method, "POST");
}

TEST_F(ElectorTest, ReleaseClearsTheHolderOnlyWhenWeHoldTheLease) {
  elector->release();
  EXPECT_TRUE(transport->requests().empty());
  transport->answers.push_back(response(200, lease_body("", "3")));
  transport->answers.push_back(response(200, lease_body("me", "4")));
  ASSERT_TRUE(elector->try_acquire_or_renew());
  transport->answers.push_back(response(200, lease_body("", "5")));
  elector->release();
  auto put = json::parse(transport->requests().back().body);
  EXPECT_FALSE(put["spec"].contains("holderIdentity"));
  EXPECT_EQ(put["spec"]["leaseDurationSeconds"], 1);
  EXPECT_EQ(put["metadata"]["resourceVersion"], "4");
}

}  // namespace
}  // namespace cbx::kube
