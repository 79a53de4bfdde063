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
