#include "controllers/republish/status_transitions.h"

#include <gtest/gtest.h>

#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace testing;
using namespace std::chrono_literals;

struct Cycle {
  IpnsRepublish obj;
  SigningPlan plan;
};

Cycle planned_cycle(SysTime now) {
  auto k = folder_key(1);
  Cycle c{folder(k, kCidA), {}};
  c.obj.spec.owner_record = signed_record(k, "/ipfs/" + std::string(kCidA), 3);
  c.plan = *plan_signing(c.obj, std::nullopt, now);
  return c;
}

TEST(StatusTransitionsTest, ReserveSignPublishCarriesTheRecordIntoStatus) {
  auto now = at("2026-06-01T00:00:00Z");
  auto c = planned_cycle(now);
  c.obj.status = reserve_sequence(c.obj, c.plan, now);
  EXPECT_EQ(c.obj.status.sequence, 4u);
  EXPECT_EQ(c.obj.status.observed_generation, 1);
  EXPECT_FALSE(c.obj.status.pending);

  c.obj.status = store_signed(c.obj, c.plan, {"UkVDT1JE", EncryptedKeyRef{2, "bmV3"}}, now);
  ASSERT_TRUE(c.obj.status.pending);
  EXPECT_EQ(c.obj.status.pending->sequence, 4u);
  EXPECT_EQ(c.obj.status.pending->record, "UkVDT1JE");
  EXPECT_EQ(c.obj.status.migrated_key->epoch, 2u);
  EXPECT_EQ(c.obj.status.key_epoch, 2u);

  c.obj.status = mark_published(c.obj, now + 2s);
  EXPECT_FALSE(c.obj.status.pending);
  EXPECT_EQ(c.obj.status.published_sequence, 4u);
  EXPECT_EQ(c.obj.status.published_cid, kCidA);
  EXPECT_EQ(c.obj.status.last_record, "UkVDT1JE");
  EXPECT_EQ(c.obj.status.valid_until, now + 48h);
  EXPECT_TRUE(condition_is_true(c.obj.status.conditions, condition::kReady));
  EXPECT_TRUE(condition_is_true(c.obj.status.conditions, condition::kPublished));
  EXPECT_GT(*c.obj.status.next_republish_at, now + 5h);
}

TEST(StatusTransitionsTest, RepeatedFailuresCountAndStall) {
  auto now = at("2026-06-01T00:00:00Z");
  auto c = planned_cycle(now);
  for (std::uint32_t i = 1; i <= kStalledAfterFailures; ++i) {
    c.obj.status = mark_failed(c.obj, "SignerUnavailable", "connection refused", now);
    EXPECT_EQ(c.obj.status.failures.count, i);
    EXPECT_EQ(condition_is_true(c.obj.status.conditions, condition::kStalled),
              i >= kStalledAfterFailures);
  }
}

TEST(StatusTransitionsTest, AwaitingOwnerRecordKeepsReadyFalseAfterPublishing) {
  auto now = at("2026-06-01T00:00:00Z");
  auto k = folder_key(1);
  auto obj = folder(k, kCidB);
  obj.status.sequence = 3;
  obj.status.last_record = base64_encode(signed_record(k, "/ipfs/" + std::string(kCidA), 3));
  auto plan = *plan_signing(obj, std::nullopt, now);
  obj.status = reserve_sequence(obj, plan, now);
  obj.status = store_signed(obj, plan, {"UkVD", std::nullopt}, now);
  obj.status = mark_published(obj, now);
  const auto* ready = find_condition(obj.status.conditions, condition::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, to_string(Reason::kAwaitingOwnerRecord));
  EXPECT_EQ(obj.status.published_cid, kCidA);
}

TEST(StatusTransitionsTest, SequencesStrictlyIncreaseOverManyCycles) {
  auto now = at("2026-06-01T00:00:00Z");
  auto c = planned_cycle(now);
  std::uint64_t last = 0;
  for (int i = 0; i < 50; ++i) {
    auto plan = *plan_signing(c.obj, std::nullopt, now);
    EXPECT_GT(plan.sequence, last);
    last = plan.sequence;
    c.obj.status = reserve_sequence(c.obj, plan, now);
    if (i % 3 == 0) continue;  // a crash after reserving: the sequence is skipped, never reused
    c.obj.status = store_signed(c.obj, plan, {"UkVD", std::nullopt}, now);
    c.obj.status = mark_published(c.obj, now);
    now += 6h;
  }
}

TEST(StatusTransitionsTest, StatusSurvivesAJsonRoundTrip) {
  auto now = at("2026-06-01T00:00:00Z");
  auto c = planned_cycle(now);
  c.obj.status = reserve_sequence(c.obj, c.plan, now);
  c.obj.status = store_signed(c.obj, c.plan, {"UkVD", EncryptedKeyRef{2, "bmV3"}}, now);
  nlohmann::json object = {
      {"metadata", {{"namespace", "default"}, {"name", "photos"}, {"generation", 1}}},
      {"spec",
       {{"ipnsName", c.obj.spec.ipns_name},
        {"cid", kCidA},
        {"encryptedKey", "c2VhbGVk"},
        {"keyEpoch", 1}}},
      {"status", status_to_json(c.obj.status)}};
  auto parsed = parse_ipns_republish(object);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->status.sequence, c.obj.status.sequence);
  ASSERT_TRUE(parsed->status.pending);
  EXPECT_EQ(parsed->status.pending->record, "UkVD");
  EXPECT_EQ(parsed->status.pending->valid_until, c.obj.status.pending->valid_until);
  EXPECT_EQ(parsed->status.migrated_key->encrypted_key, "bmV3");
  EXPECT_EQ(parsed->status.conditions, c.obj.status.conditions);
  EXPECT_EQ(status_to_json(parsed->status), status_to_json(c.obj.status));
}

}  // namespace
}  // namespace cbx::op
