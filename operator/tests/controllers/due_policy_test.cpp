#include "controllers/republish/due_policy.h"

#include <gtest/gtest.h>

#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using testing::at;

IpnsRepublish published_folder() {
  auto k = testing::folder_key(1);
  auto obj = testing::folder(k, testing::kCidA);
  obj.status.observed_generation = 1;
  obj.status.last_published_at = at("2026-01-01T00:00:00Z");
  obj.status.next_republish_at = at("2026-01-01T05:50:00Z");
  return obj;
}

TEST(DuePolicyTest, SuspendedFolderIsNeverDue) {
  auto obj = published_folder();
  obj.spec.suspend = true;
  obj.generation = 2;
  auto v = evaluate_due(obj, at("2026-02-01T00:00:00Z"), {});
  EXPECT_EQ(v.action, DueAction::kNone);
  EXPECT_EQ(v.reason, Reason::kSuspended);
}

TEST(DuePolicyTest, PublishesPendingRecordBeforeSigningAgain) {
  auto obj = published_folder();
  obj.generation = 2;  // even a spec change waits for the signed record to go out
  obj.status.pending =
      PendingRecord{7, "cmVj", at("2026-01-03T00:00:00Z"), at("2026-01-01T00:00:00Z"), "/ipfs/x"};
  auto v = evaluate_due(obj, at("2026-01-01T06:00:00Z"), {});
  EXPECT_EQ(v.action, DueAction::kPublishPending);
}

TEST(DuePolicyTest, ResignsWhenPendingRecordHasLessThanHalfItsLifetimeLeft) {
  auto obj = published_folder();
  obj.status.pending =
      PendingRecord{7, "cmVj", at("2026-01-03T00:00:00Z"), at("2026-01-01T00:00:00Z"), "/ipfs/x"};
  auto v = evaluate_due(obj, at("2026-01-02T00:00:01Z"), {});
  EXPECT_EQ(v.action, DueAction::kSign);
  EXPECT_EQ(v.reason, Reason::kPendingNearExpiry);
}

TEST(DuePolicyTest, SpecChangeManualTriggerAndFirstPublicationAreDueNow) {
  auto now = at("2026-01-01T01:00:00Z");
  auto changed = published_folder();
  changed.generation = 2;
  EXPECT_EQ(evaluate_due(changed, now, {}).reason, Reason::kSpecChanged);

  auto triggered = published_folder();
  triggered.requested_at = "2026-01-01T00:30:00Z";
  EXPECT_EQ(evaluate_due(triggered, now, {}).reason, Reason::kManualTrigger);
  triggered.status.last_handled_request = triggered.requested_at;
  EXPECT_EQ(evaluate_due(triggered, now, {}).action, DueAction::kNone);

  auto fresh = published_folder();
  fresh.status = {};
  fresh.status.observed_generation = 1;
  EXPECT_EQ(evaluate_due(fresh, now, {}).reason, Reason::kInitial);
}

// Reserving a sequence records the trigger as handled; a cycle that stopped right after (the API
// server restarting under the next status write) must not be lost until the schedule comes round.
TEST(DuePolicyTest, AReservedSequenceWithNothingAfterItIsDueAgain) {
  auto obj = published_folder();
  obj.requested_at = "2026-01-01T00:30:00Z";
  obj.status.last_handled_request = obj.requested_at;
  obj.status.published_sequence = 12;
  obj.status.sequence = 13;
  auto v = evaluate_due(obj, at("2026-01-01T01:00:00Z"), {});
  EXPECT_EQ(v.action, DueAction::kSign);
  EXPECT_EQ(v.reason, Reason::kCycleInterrupted);

  obj.status.sequence = 12;  // the cycle completed: nothing due before the schedule
  EXPECT_EQ(evaluate_due(obj, at("2026-01-01T01:00:00Z"), {}).action, DueAction::kNone);
}

TEST(DuePolicyTest, WaitsForNextRepublishAtThenSigns) {
  auto obj = published_folder();
  auto before = evaluate_due(obj, at("2026-01-01T05:49:59Z"), {});
  EXPECT_EQ(before.action, DueAction::kNone);
  ASSERT_TRUE(before.recheck_at);
  EXPECT_EQ(*before.recheck_at, at("2026-01-01T05:50:00Z"));
  auto after = evaluate_due(obj, at("2026-01-01T05:50:00Z"), {});
  EXPECT_EQ(after.action, DueAction::kSign);
  EXPECT_EQ(after.reason, Reason::kScheduled);
}

TEST(DuePolicyTest, FailuresBackOffExponentiallyUpToTheCap) {
  BackoffPolicy policy{5s, 5min, 0.0};
  EXPECT_EQ(failure_backoff(0, "k", policy), 0s);
  EXPECT_EQ(failure_backoff(1, "k", policy), 5s);
  EXPECT_EQ(failure_backoff(2, "k", policy), 10s);
  EXPECT_EQ(failure_backoff(4, "k", policy), 40s);
  EXPECT_EQ(failure_backoff(30, "k", policy), 5min);
  BackoffPolicy jittered{5s, 5min, 0.2};
  auto d = failure_backoff(3, "ns/a", jittered);
  EXPECT_LE(d, 20s);
  EXPECT_GE(d, 16s);
  EXPECT_EQ(d, failure_backoff(3, "ns/a", jittered));  // deterministic per key
}

TEST(DuePolicyTest, BackoffGatesEvenAnOverdueFolder) {
  auto obj = published_folder();
  obj.status.failures =
      Failures{3, "SignerUnavailable", "connection refused", at("2026-01-01T06:00:00Z")};
  BackoffPolicy policy{5s, 5min, 0.0};
  auto v = evaluate_due(obj, at("2026-01-01T06:00:10Z"), policy);
  EXPECT_EQ(v.action, DueAction::kNone);
  EXPECT_EQ(v.reason, Reason::kBackingOff);
  EXPECT_EQ(*v.recheck_at, at("2026-01-01T06:00:20Z"));
  EXPECT_EQ(evaluate_due(obj, at("2026-01-01T06:00:20Z"), policy).action, DueAction::kSign);
}

TEST(DuePolicyTest, NextRepublishIsIntervalMinusUpToTenPercentJitter) {
  auto published = at("2026-01-01T00:00:00Z");
  for (auto key : {"a/1", "a/2", "b/3", "c/4"}) {
    auto next = next_republish_at(key, published, 6h);
    EXPECT_LE(next, published + 6h) << key;
    EXPECT_GE(next, published + 6h - 36min) << key;
  }
}

}  // namespace
}  // namespace cbx::op
