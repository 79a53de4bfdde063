#include "controllers/ledger/ledger_update.h"

#include <gtest/gtest.h>

#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using testing::at;

const SysTime kT0 = at("2026-12-01T05:00:00Z");

KeyLedger ledger() {
  return new_key_ledger(testing::folder_key(3).name.text());
}

TEST(LedgerUpdateTest, RecordsEachEpochOnceAndIsIdempotent) {
  auto l = ledger();
  EXPECT_TRUE(record_key(l, {1, "c3BlYw=="}, ledger_source::kSpec, kT0));
  EXPECT_FALSE(record_key(l, {1, "c3BlYw=="}, ledger_source::kSpec, kT0 + 1h));
  EXPECT_TRUE(record_key(l, {3, "bmV3"}, ledger_source::kMigrated, kT0));
  EXPECT_TRUE(record_key(l, {2, "bWlk"}, ledger_source::kRewrapped, kT0));
  ASSERT_EQ(l.keys.size(), 3u);
  EXPECT_EQ(l.keys[0].epoch, 1u);
  EXPECT_EQ(l.keys[1].epoch, 2u);
  EXPECT_EQ(l.keys[2].epoch, 3u);
  EXPECT_EQ(l.keys[0].recorded_at, kT0);  // the repeat did not touch it
}

// A manifest's key never replaces a recorded one (a tenant's spec is not trusted to decrypt);
// a signer's key replaces a manifest's.
TEST(LedgerUpdateTest, SignerKeysWinOverSpecKeysNotTheOtherWayRound) {
  auto l = ledger();
  ASSERT_TRUE(record_key(l, {2, "bWlncmF0ZWQ="}, ledger_source::kMigrated, kT0));
  EXPECT_FALSE(record_key(l, {2, "Z2FyYmFnZQ=="}, ledger_source::kSpec, kT0));
  EXPECT_EQ(l.key_for(2)->encrypted_key, "bWlncmF0ZWQ=");
  ASSERT_TRUE(record_key(l, {4, "c3BlYw=="}, ledger_source::kSpec, kT0));
  EXPECT_TRUE(record_key(l, {4, "cmV3cmFwcGVk"}, ledger_source::kRewrapped, kT0));
  EXPECT_EQ(l.key_for(4)->source, ledger_source::kRewrapped);
}

TEST(LedgerUpdateTest, RefusesEmptyOversizedAndEpochZeroKeys) {
  auto l = ledger();
  EXPECT_FALSE(record_key(l, {0, "c3BlYw=="}, ledger_source::kSpec, kT0));
  EXPECT_FALSE(record_key(l, {1, ""}, ledger_source::kSpec, kT0));
  EXPECT_FALSE(record_key(l, {1, std::string(2000, 'A')}, ledger_source::kSpec, kT0));
  EXPECT_TRUE(l.keys.empty());
}

TEST(LedgerUpdateTest, StaysWithinItsBoundKeepingTheNewestEpochs) {
  auto l = ledger();
  for (std::uint64_t e = 1; e <= kLedgerMaxKeys + 5; ++e) {
    record_key(l, {e, "a2V5"}, ledger_source::kMigrated, kT0);
  }
  ASSERT_EQ(l.keys.size(), kLedgerMaxKeys);
  EXPECT_EQ(l.keys.front().epoch, 6u);
  EXPECT_EQ(l.keys.back().epoch, kLedgerMaxKeys + 5);
  EXPECT_FALSE(record_key(l, {1, "a2V5"}, ledger_source::kMigrated, kT0));
}

TEST(LedgerUpdateTest, DeletedAtFollowsTheLastFolderAndKeepsTheFirstDeletionTime) {
  auto l = ledger();
  FolderView photos{"team-a/photos", {1, "c3BlYw=="}, EncryptedKeyRef{2, "bWln"}};
  EXPECT_TRUE(observe_folders(l, {photos}, kT0));
  EXPECT_EQ(l.folders, std::vector<std::string>{"team-a/photos"});
  EXPECT_EQ(l.key_for(2)->source, ledger_source::kMigrated);
  EXPECT_FALSE(l.deleted_at);
  EXPECT_FALSE(observe_folders(l, {photos}, kT0 + 1h));  // nothing new: no write
  EXPECT_TRUE(observe_folders(l, {}, kT0 + 2h));
  EXPECT_EQ(*l.deleted_at, kT0 + 2h);
  EXPECT_FALSE(observe_folders(l, {}, kT0 + 3h));
  EXPECT_EQ(*l.deleted_at, kT0 + 2h);
  EXPECT_EQ(l.keys.size(), 2u);  // keys outlive the folder
  EXPECT_TRUE(observe_folders(l, {photos}, kT0 + 4h));
  EXPECT_FALSE(l.deleted_at);
}

TEST(LedgerUpdateTest, RetentionCountsFromDeletionWithAFakeClock) {
  auto l = ledger();
  EXPECT_FALSE(ledger_expired(l, kT0 + 1000h, 720h));  // never deleted (no deletedAt)
  observe_folders(l, {}, kT0);
  EXPECT_FALSE(ledger_expired(l, kT0, 720h));
  EXPECT_FALSE(ledger_expired(l, kT0 + 719h, 720h));
  EXPECT_TRUE(ledger_expired(l, kT0 + 720h, 720h));
  EXPECT_FALSE(ledger_expired(l, kT0 + 720h, 721h));
  // A folder carrying the name again: never expired, whatever deletedAt says.
  l.folders = {"team-a/photos"};
  EXPECT_FALSE(ledger_expired(l, kT0 + 2000h, 720h));
  EXPECT_EQ(kDefaultLedgerRetention, 720h);
}

TEST(LedgerUpdateTest, KeepsTheReservedSequenceAndTheNewestPendingRecordOfADeletedFolder) {
  auto l = ledger();
  IpnsRepublishStatus st;
  st.sequence = 9;
  EXPECT_TRUE(keep_deleted_state(l, "team-a/photos", st));
  EXPECT_EQ(*l.sequence, 9u);
  EXPECT_FALSE(l.pending_record);
  EXPECT_FALSE(keep_deleted_state(l, "team-a/photos", st));
  st.pending = PendingRecord{10, "cmVj", kT0 + 48h, kT0, "/ipfs/x"};
  st.sequence = 10;
  EXPECT_TRUE(keep_deleted_state(l, "team-b/photos", st));
  EXPECT_EQ(*l.sequence, 10u);
  EXPECT_EQ(l.pending_record->sequence, 10u);
  EXPECT_EQ(l.pending_record->folder, "team-b/photos");
  IpnsRepublishStatus older;
  older.pending = PendingRecord{4, "b2xk", kT0 + 48h, kT0, "/ipfs/x"};
  EXPECT_FALSE(keep_deleted_state(l, "team-c/photos", older));
  EXPECT_EQ(l.pending_record->sequence, 10u);
  EXPECT_FALSE(forget_pending(l, 9));
  EXPECT_TRUE(forget_pending(l, 10));
  EXPECT_FALSE(l.pending_record);
  EXPECT_EQ(*l.sequence, 10u);  // the floor stays
}

}  // namespace
}  // namespace cbx::op

namespace cbx::op {
namespace {

TEST(LedgerUpdateTest, ADuplicateClaimantIsListedButAddsNoKey) {
  auto l = new_key_ledger(testing::folder_key(3).name.text());
  FolderView owner{"team-a/photos", {1, "c3BlYw=="}, std::nullopt, true};
  FolderView intruder{"team-x/photos", {7, "Z2FyYmFnZQ=="}, EncryptedKeyRef{8, "eA=="}, false};
  EXPECT_TRUE(observe_folders(l, {owner, intruder}, kT0));
  EXPECT_EQ(l.folders, (std::vector<std::string>{"team-a/photos", "team-x/photos"}));
  ASSERT_EQ(l.keys.size(), 1u);
  EXPECT_EQ(l.keys[0].epoch, 1u);
}

}  // namespace
}  // namespace cbx::op
