#include "controllers/ledger/ledger_writer.h"

#include <gtest/gtest.h>

#include "memory_ledger_store.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using testing::at;
using testing::MemoryLedgerStore;

const SysTime kT0 = at("2026-12-01T05:00:00Z");

std::string name() {
  return testing::folder_key(4).name.text();
}

TEST(LedgerWriterTest, CreatesThenWritesOnlyWhenSomethingChanged) {
  MemoryLedgerStore store;
  KeyLedgerWriter writer(store);
  auto first = writer.record(name(), {2, "bWln"}, ledger_source::kMigrated, kT0);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  EXPECT_EQ(store.objects.at(name()).key_for(2)->encrypted_key, "bWln");
  auto again = writer.record(name(), {2, "bWln"}, ledger_source::kMigrated, kT0);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(store.puts, 1);
}

TEST(LedgerWriterTest, ReReadsAndRetriesAfterAConflictWithoutLosingTheOtherWrite) {
  MemoryLedgerStore store;
  KeyLedgerWriter writer(store);
  ASSERT_TRUE(writer.record(name(), {1, "c3BlYw=="}, ledger_source::kSpec, kT0));
  store.conflicts = 2;
  auto written = writer.record(name(), {2, "bWln"}, ledger_source::kMigrated, kT0);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(*written);
  EXPECT_EQ(store.objects.at(name()).key_for(2)->encrypted_key, "bWln");
}

TEST(LedgerWriterTest, GivesUpAfterItsAttemptsWithTheConflict) {
  MemoryLedgerStore store;
  KeyLedgerWriter writer(store, 3);
  store.conflicts = 10;
  auto written = writer.record(name(), {2, "bWln"}, ledger_source::kMigrated, kT0);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, "CONFLICT");
  EXPECT_EQ(store.puts, 3);
}

TEST(LedgerWriterTest, NeverOverwritesAnObjectItCannotRead) {
  MemoryLedgerStore store;
  store.invalid = true;
  KeyLedgerWriter writer(store);
  auto written = writer.record(name(), {2, "bWln"}, ledger_source::kMigrated, kT0);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, "INVALID_LEDGER");
  EXPECT_EQ(store.puts, 0);
}

bool record_mig(KeyLedger& ledger) {
  return record_key(ledger, {2, "bWln"}, ledger_source::kMigrated, kT0);
}

TEST(LedgerWriterTest, ACacheWithoutTheLedgerCreatesItWithoutAReadFirst) {
  MemoryLedgerStore store;
  KeyLedgerWriter writer(store);
  auto written = writer.update(name(), record_mig,
                               std::optional<std::optional<KeyLedger>>(std::optional<KeyLedger>{}));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(*written);
  EXPECT_EQ(store.gets, 0);
  EXPECT_EQ(store.puts, 1);
  EXPECT_EQ(store.objects.at(name()).key_for(2)->encrypted_key, "bWln");
}

TEST(LedgerWriterTest, AStaleCacheLosesToThePreconditionAndTheRetryReadsTheApiServer) {
  MemoryLedgerStore store;
  KeyLedgerWriter writer(store);
  ASSERT_TRUE(writer.record(name(), {1, "c3BlYw=="}, ledger_source::kSpec, kT0));
  store.gets = 0;
  // The cache has not seen the ledger yet: the create is refused, the retry reads and keeps both.
  auto written = writer.update(name(), record_mig,
                               std::optional<std::optional<KeyLedger>>(std::optional<KeyLedger>{}));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(*written);
  EXPECT_EQ(store.gets, 1);
  EXPECT_EQ(store.objects.at(name()).key_for(1)->encrypted_key, "c3BlYw==");
  EXPECT_EQ(store.objects.at(name()).key_for(2)->encrypted_key, "bWln");
}

TEST(LedgerWriterTest, ACachedCopyThatNeedsNoChangeIsCheckedAgainstTheApiServer) {
  MemoryLedgerStore store;
  KeyLedgerWriter writer(store);
  ASSERT_TRUE(writer.record(name(), {1, "c3BlYw=="}, ledger_source::kSpec, kT0));
  // An older cached copy already lists the key (it was removed since): the write still happens.
  KeyLedger stale = store.objects.at(name());
  ASSERT_TRUE(record_mig(stale));
  auto written = writer.update(name(), record_mig, std::optional<std::optional<KeyLedger>>(stale));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(*written);
  EXPECT_EQ(store.objects.at(name()).key_for(2)->encrypted_key, "bWln");
}

}  // namespace
}  // namespace cbx::op
