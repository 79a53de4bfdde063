#include "controllers/republish/signing_plan.h"

#include <gtest/gtest.h>

#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace testing;
const SysTime kNow = at("2026-06-01T00:00:00Z");

std::string path(const char* cid) {
  return std::string("/ipfs/") + cid;
}

TEST(SigningPlanTest, FirstCycleSignsTheOwnersRecordValueWithTheNextSequence) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(k, path(kCidA), 4);
  auto plan = plan_signing(obj, std::nullopt, kNow);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->value, path(kCidA));
  EXPECT_EQ(plan->sequence, 5u);
  EXPECT_EQ(plan->proof_source, "ownerRecord");
  EXPECT_EQ(plan->proof_record, *obj.spec.owner_record);
  EXPECT_FALSE(plan->deviation_reason);
  EXPECT_EQ(plan->valid_until, kNow + std::chrono::hours(48));
  EXPECT_EQ(plan->validity, "2026-06-03T00:00:00.000000000Z");
}

TEST(SigningPlanTest, CidWithoutOwnerRecordKeepsTheOldValueAlive) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidB);  // the user changed cid, but no record of the key carries it
  obj.status.sequence = 9;
  obj.status.last_record = base64_encode(signed_record(k, path(kCidA), 9));
  auto plan = plan_signing(obj, std::nullopt, kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidA));
  EXPECT_EQ(plan->sequence, 10u);
  EXPECT_EQ(plan->deviation_reason, Reason::kAwaitingOwnerRecord);
}

TEST(SigningPlanTest, CidBackedByTheNewestOwnerRecordMovesToTheNewValue) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidB);
  obj.status.sequence = 9;
  obj.status.last_record = base64_encode(signed_record(k, path(kCidA), 9));
  obj.spec.owner_record = signed_record(k, path(kCidB), 10);
  auto plan = plan_signing(obj, std::nullopt, kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidB));
  EXPECT_EQ(plan->proof_source, "ownerRecord");
  EXPECT_EQ(plan->sequence, 11u);
  EXPECT_FALSE(plan->deviation_reason);
}

// An owner record older than the newest record of the key is not served: the key signed
// something after it (the owner, or an extension of the owner's later value), and going back to
// it would be a rollback. The owner signs spec.cid again above the newest sequence.
TEST(SigningPlanTest, OwnerRecordOlderThanTheNewestRecordIsNotServed) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidB);
  obj.status.sequence = 9;
  obj.status.last_record = base64_encode(signed_record(k, path(kCidA), 9));
  obj.spec.owner_record = signed_record(k, path(kCidB), 3);
  auto plan = plan_signing(obj, std::nullopt, kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidA));
  EXPECT_EQ(plan->proof_source, "lastRecord");
  EXPECT_EQ(plan->sequence, 10u);
  EXPECT_EQ(plan->deviation_reason, Reason::kNetworkAhead);
  EXPECT_NE(plan->deviation_message.find("above 9"), std::string::npos) << plan->deviation_message;
}

// Issue 10 item 1: after re-signing the network's newer owner value once (NetworkAhead), the
// network record is no longer "ahead" of status.sequence; the next cycles must still extend it,
// not go back to the older record that carries spec.cid.
TEST(SigningPlanTest, OwnersNewerValueStaysAfterTheOperatorReSignedIt) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(k, path(kCidA), 2);
  obj.status.sequence = 11;  // cycle 1 re-signed the owner's B@10 as B@11
  auto own = signed_record(k, path(kCidB), 11);
  obj.status.last_record = base64_encode(own);
  for (const auto& network : {std::optional<Bytes>(own), std::optional<Bytes>()}) {
    auto plan = plan_signing(obj, network, kNow);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->value, path(kCidB));
    EXPECT_EQ(plan->sequence, 12u);
    EXPECT_EQ(plan->deviation_reason, Reason::kNetworkAhead);
  }
}

// Issue 10 item 2: a re-created object (GitOps restore: no status, no spec.sequence) with an old
// ownerRecord never signs that old value over the owner's newer record on the network.
TEST(SigningPlanTest, FreshObjectNeverSignsAnOlderOwnerRecordOverANewerNetworkRecord) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(k, path(kCidA), 2);
  auto plan = plan_signing(obj, signed_record(k, path(kCidB), 10), kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidB));
  EXPECT_EQ(plan->proof_source, "network");
  EXPECT_EQ(plan->sequence, 11u);
  EXPECT_EQ(plan->deviation_reason, Reason::kNetworkAhead);
  obj.spec.owner_record.reset();  // and without any record of spec.cid: the network value lives
  plan = plan_signing(obj, signed_record(k, path(kCidB), 10), kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidB));
  EXPECT_EQ(plan->deviation_reason, Reason::kAwaitingOwnerRecord);
}

TEST(SigningPlanTest, UnpublishedPendingRecordCountsAsTheNewest) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(k, path(kCidA), 2);
  obj.status.sequence = 12;
  obj.status.last_record = base64_encode(signed_record(k, path(kCidB), 11));
  obj.status.pending =
      PendingRecord{12, base64_encode(signed_record(k, path(kCidB), 12)), kNow, kNow, path(kCidB)};
  auto plan = plan_signing(obj, std::nullopt, kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidB));
  EXPECT_EQ(plan->proof_source, "pending");
  EXPECT_EQ(plan->sequence, 13u);
}

TEST(SigningPlanTest, OnASequenceTieTheRecordCarryingSpecCidIsServed) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(k, path(kCidA), 10);
  auto plan = plan_signing(obj, signed_record(k, path(kCidB), 10), kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidA));
  EXPECT_EQ(plan->sequence, 11u);
  EXPECT_FALSE(plan->deviation_reason);
}

TEST(SigningPlanTest, OwnerRecordPublishedOnTheNetworkIsFoundThere) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidB);
  obj.status.sequence = 9;
  obj.status.last_record = base64_encode(signed_record(k, path(kCidA), 9));
  auto plan = plan_signing(obj, signed_record(k, path(kCidB), 10), kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidB));
  EXPECT_EQ(plan->proof_source, "network");
  EXPECT_EQ(plan->sequence, 11u);
}

TEST(SigningPlanTest, NewerNetworkRecordIsNeverRolledBack) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);  // spec still says A
  obj.spec.sequence = 5;
  obj.status.sequence = 7;
  obj.status.last_record = base64_encode(signed_record(k, path(kCidA), 7));
  auto plan = plan_signing(obj, signed_record(k, path(kCidC), 12), kNow);  // owner moved to C
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidC));
  EXPECT_EQ(plan->sequence, 13u);
  EXPECT_EQ(plan->deviation_reason, Reason::kNetworkAhead);
}

TEST(SigningPlanTest, SpecSequenceHintRaisesTheNextSequence) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.sequence = 1000;
  obj.spec.owner_record = signed_record(k, path(kCidA), 2);
  auto plan = plan_signing(obj, std::nullopt, kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->sequence, 1001u);
}

TEST(SigningPlanTest, RecordsSignedByAnotherKeyAreNoProof) {
  auto k = folder_key(1);
  auto other = folder_key(2);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(other, path(kCidA), 4);
  auto plan = plan_signing(obj, signed_record(other, path(kCidA), 8), kNow);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, "NO_OWNER_RECORD");
}

TEST(SigningPlanTest, ExpiredOwnerRecordStillProvesTheValue) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(k, path(kCidA), 1, at("2020-01-01T00:00:00Z"));
  auto plan = plan_signing(obj, std::nullopt, kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->value, path(kCidA));
}

TEST(SigningPlanTest, CidVersionsAndBasesNameTheSameContent) {
  // QmYwAP… (v0) and its CIDv1 dag-pb base32 form.
  EXPECT_TRUE(value_points_to("/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
                              "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34"));
  EXPECT_FALSE(value_points_to("/ipfs/" + std::string(kCidA), kCidB));
  EXPECT_FALSE(value_points_to(
      "/ipns/k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj260", kCidA));
}

TEST(SigningPlanTest, MigratedKeyOnNewerEpochIsUsed) {
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(k, path(kCidA), 1);
  obj.status.migrated_key = EncryptedKeyRef{2, "bWlncmF0ZWQ="};
  auto plan = plan_signing(obj, std::nullopt, kNow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->key.epoch, 2u);
  EXPECT_EQ(plan->key.encrypted_key, "bWlncmF0ZWQ=");
  obj.spec.key_epoch = 3;  // the owner re-sealed to a newer epoch: the user's key wins again
  EXPECT_EQ(plan_signing(obj, std::nullopt, kNow)->key.epoch, 3u);
}

}  // namespace
}  // namespace cbx::op
