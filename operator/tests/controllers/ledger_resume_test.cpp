#include "controllers/ledger/ledger_resume.h"

#include <gtest/gtest.h>

#include "controllers/ledger/ledger_update.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::folder_key;

const SysTime kNow = at("2026-12-01T05:00:00Z");

TeeEpoch epoch(std::uint64_t n, const char* url, const char* phase, bool ready = true) {
  TeeEpoch e;
  e.name = "epoch-" + std::to_string(n);
  e.spec.epoch = n;
  e.spec.signer.url = url;
  e.status.phase = phase;
  if (ready) set_condition(e.status.conditions, "Ready", true, Reason::kKeyVerified, "", 1, {});
  return e;
}

struct Fixture {
  testing::FolderKey key = folder_key(5);
  IpnsRepublish obj = testing::folder(key, testing::kCidA);  // spec key on epoch 1
  KeyLedger ledger = new_key_ledger(key.name.text());
  std::vector<TeeEpoch> epochs = {epoch(1, "http://a", phase::kSuperseded),
                                  epoch(2, "http://b", phase::kActive)};
  Fixture() {
    record_key(ledger, {1, obj.spec.encrypted_key}, ledger_source::kSpec, kNow);
    record_key(ledger, {2, "bWlncmF0ZWQ="}, ledger_source::kMigrated, kNow);
  }
};

// The scenario: re-applied from git with the epoch-1 key after pre-rotation to epoch 2.
TEST(LedgerResumeTest, ARecreatedFolderTakesTheLedgersKeyOnTheNewerLiveEpoch) {
  Fixture f;
  auto r = plan_resumption(f.obj, f.ledger, f.epochs, kNow);
  ASSERT_TRUE(r.key);
  EXPECT_EQ(r.key->epoch, 2u);
  EXPECT_EQ(r.key->encrypted_key, "bWlncmF0ZWQ=");
  auto st = apply_resumption(f.obj, r);
  f.obj.status = st;
  EXPECT_EQ(effective_key(f.obj).epoch, 2u);
  EXPECT_EQ(*st.key_epoch, 2u);
  // Once adopted there is nothing more to resume.
  EXPECT_TRUE(plan_resumption(f.obj, f.ledger, f.epochs, kNow).empty());
}

TEST(LedgerResumeTest, RetiredFailedUnknownAndNotReadyEpochsAreNotResumedTo) {
  for (auto e2 : {epoch(2, "http://b", phase::kFailed), epoch(2, "http://b", phase::kRetired),
                  epoch(2, "http://b", phase::kPending, false)}) {
    Fixture f;
    f.epochs[1] = e2;
    EXPECT_FALSE(plan_resumption(f.obj, f.ledger, f.epochs, kNow).key) << e2.status.phase;
  }
  Fixture f;
  f.epochs.pop_back();  // no TeeEpoch 2 at all
  EXPECT_FALSE(plan_resumption(f.obj, f.ledger, f.epochs, kNow).key);
}

TEST(LedgerResumeTest, AFolderOnTheNewestEpochAlreadyKeepsItsOwnKey) {
  Fixture f;
  f.obj.spec.key_epoch = 2;
  f.obj.spec.encrypted_key = "cmVzZWFsZWQ=";  // the owner re-sealed: spec wins on its epoch
  EXPECT_FALSE(plan_resumption(f.obj, f.ledger, f.epochs, kNow).key);
}

TEST(LedgerResumeTest, ALedgerOfAnotherNameIsIgnored) {
  Fixture f;
  f.ledger.ipns_name = folder_key(6).name.text();
  EXPECT_TRUE(plan_resumption(f.obj, f.ledger, f.epochs, kNow).empty());
}

TEST(LedgerResumeTest, AFreshStatusTakesTheReservedSequenceAndAVerifiedPendingRecord) {
  Fixture f;
  auto record = testing::signed_record(f.key, std::string("/ipfs/") + testing::kCidA, 12);
  f.ledger.sequence = 12;
  f.ledger.pending_record =
      LedgerPendingRecord{12, base64_encode(record), kNow + 40h, "default/photos"};
  auto r = plan_resumption(f.obj, f.ledger, f.epochs, kNow);
  ASSERT_TRUE(r.pending);
  EXPECT_EQ(r.pending->sequence, 12u);
  EXPECT_EQ(r.pending->value, std::string("/ipfs/") + testing::kCidA);
  EXPECT_EQ(*r.sequence, 12u);
  auto st = apply_resumption(f.obj, r);
  EXPECT_EQ(*st.sequence, 12u);
  ASSERT_TRUE(st.pending);
  // A folder that already has a sequence of its own is not fed the ledger's.
  f.obj.status.sequence = 3;
  auto later = plan_resumption(f.obj, f.ledger, f.epochs, kNow);
  EXPECT_FALSE(later.pending);
  EXPECT_FALSE(later.sequence);
}

TEST(LedgerResumeTest, APendingRecordThatIsForgedExpiredOrMislabelledIsNotAdopted) {
  Fixture f;
  auto good = testing::signed_record(f.key, std::string("/ipfs/") + testing::kCidA, 12);
  auto other_key =
      testing::signed_record(folder_key(9), std::string("/ipfs/") + testing::kCidA, 12);
  struct Case {
    const char* what;
    LedgerPendingRecord pending;
  } cases[] = {
      {"signed by another key", {12, base64_encode(other_key), kNow + 40h, "d/p"}},
      {"sequence label differs", {13, base64_encode(good), kNow + 40h, "d/p"}},
      {"expired", {12, base64_encode(good), kNow - 1s, "d/p"}},
      {"not a record", {12, "bm90IGEgcmVjb3Jk", kNow + 40h, "d/p"}},
  };
  for (const auto& c : cases) {
    f.ledger.pending_record = c.pending;
    f.ledger.sequence.reset();
    auto r = plan_resumption(f.obj, f.ledger, f.epochs, kNow);
    EXPECT_FALSE(r.pending) << c.what;
    EXPECT_FALSE(r.sequence) << c.what;  // an unverified label does not move the sequence
  }
}

}  // namespace
}  // namespace cbx::op
