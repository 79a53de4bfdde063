// The epoch reconciler's FolderIndex (issue 13 item 2): kept from informer deltas, it must always
// say what a full scan of the folders would say (entries per epoch, gauges, decommission needs),
// after adds, updates that move a folder's key to another epoch, deletes and re-lists.
#include "controllers/epoch/folder_index.h"

#include <gtest/gtest.h>

#include <random>

#include "epoch_test_objects.h"
#include "kube/store.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::FolderObject;

const SysTime kNow = at("2026-06-01T00:00:00Z");

FolderObject on_epoch(const std::string& name, std::uint8_t key_fill, std::uint64_t epoch) {
  FolderObject f;
  f.name = name;
  f.ipns_name = testing::folder_key(key_fill).name.text();
  f.spec_epoch = epoch;
  return f;
}

// What the informer's handlers do with a delta (app/epoch_ports.cpp feed_folder_index).
void apply(FolderIndex& index, const kube::Delta& delta) {
  if (delta.type == kube::Delta::Type::deleted) {
    index.remove(delta.key);
  } else {
    index.upsert(delta.key, index_entry(*delta.object));
  }
}

// The full scan the index replaces.
struct Scan {
  std::map<std::uint64_t, std::int64_t> entries;
  std::vector<FolderKeyCopies> copies;
};
Scan scan(const std::vector<nlohmann::json>& objects) {
  Scan out;
  for (const auto& o : objects) {
    auto obj = parse_ipns_republish(o);
    out.copies.push_back(folder_key_copies(o, obj.ok()));
    if (obj) ++out.entries[effective_key(*obj).epoch];
  }
  return out;
}

void expect_same_needs(const EpochNeeds& a, const EpochNeeds& b) {
  EXPECT_EQ(a.spec_entries, b.spec_entries);
  EXPECT_EQ(a.needed, b.needed);
  EXPECT_EQ(a.effective, b.effective);
  EXPECT_EQ(a.unknown, b.unknown);
  EXPECT_EQ(a.unparsed, b.unparsed);
}

void expect_matches_scan(const FolderIndex& index, const std::vector<nlohmann::json>& objects,
                         const std::vector<LedgerKeyCopies>& ledger = {}) {
  auto s = scan(objects);
  EXPECT_EQ(index.entries(), s.entries);
  for (const std::set<std::uint64_t>& live :
       {std::set<std::uint64_t>{}, {1}, {2}, {1, 2}, {3}, {2, 3}}) {
    expect_same_needs(index.needs(live), compute_needs(s.copies, ledger, live));
  }
}

TEST(FolderIndexTest, AddUpdateThatMovesTheKeyAndDelete) {
  FolderIndex index;
  auto a = on_epoch("a", 1, 1);
  auto b = on_epoch("b", 2, 1);
  index.upsert(a.key(), index_entry(a.json()));
  index.upsert(b.key(), index_entry(b.json()));
  EXPECT_EQ(index.entries(), (std::map<std::uint64_t, std::int64_t>{{1, 2}}));
  EXPECT_EQ(index.folders_on(1), (std::vector<std::string>{"default/a", "default/b"}));

  // Pre-rotation stored a's key on epoch 2: a moves from epoch 1 to epoch 2.
  a.migrated = EncryptedKeyRef{2, "bWlncmF0ZWQ="};
  index.upsert(a.key(), index_entry(a.json()));
  EXPECT_EQ(index.entries(), (std::map<std::uint64_t, std::int64_t>{{1, 1}, {2, 1}}));
  EXPECT_EQ(index.folders_on(1), (std::vector<std::string>{"default/b"}));
  EXPECT_EQ(index.folders_on(2), (std::vector<std::string>{"default/a"}));
  EXPECT_EQ(*index.rewrap_id_of("default/a"),
            rewrap_id("default/a", EncryptedKeyRef{2, "bWlncmF0ZWQ="}));
  // a's spec copy on epoch 1 is its only durable one: epoch 1 is needed while not live.
  EXPECT_EQ(index.needs({2}).needed_on(1), 2);
  expect_matches_scan(index, {a.json(), b.json()});

  index.remove(b.key());
  EXPECT_EQ(index.entries(), (std::map<std::uint64_t, std::int64_t>{{2, 1}}));
  EXPECT_TRUE(index.folders_on(1).empty());
  EXPECT_FALSE(index.rewrap_id_of("default/b"));
  expect_matches_scan(index, {a.json()});
  index.remove(a.key());
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.entries().empty());
  expect_same_needs(index.needs({}), EpochNeeds{});
}

TEST(FolderIndexTest, GaugesFollowStatusChanges) {
  FolderIndex index;
  auto a = on_epoch("a", 1, 1);
  a.status.next_republish_at = kNow + 1h;
  a.status.valid_until = kNow + 48h;
  auto b = on_epoch("b", 2, 1);  // never published: no nextRepublishAt, due
  b.status.pending = PendingRecord{3, "UkVD", kNow + 40h, kNow, "/ipfs/x"};
  set_condition(b.status.conditions, "Stalled", true, Reason::kSignerUnavailable, "", 1, kNow);
  index.upsert(a.key(), index_entry(a.json()));
  index.upsert(b.key(), index_entry(b.json()));
  auto counts = index.counts(kNow);
  EXPECT_EQ(counts.due, 1);
  EXPECT_EQ(counts.pending, 1);
  EXPECT_EQ(counts.stalled, 1);
  EXPECT_DOUBLE_EQ(counts.earliest_valid_until_per_epoch.at(1),
                   std::chrono::duration<double>((kNow + 48h).time_since_epoch()).count());
  EXPECT_EQ(index.counts(kNow + 2h).due, 2);  // a's time came
  // b published: no longer pending, stalled or due; a re-published later.
  b.status.pending.reset();
  b.status.conditions.clear();
  b.status.next_republish_at = kNow + 6h;
  b.status.valid_until = kNow + 47h;
  index.upsert(b.key(), index_entry(b.json()));
  counts = index.counts(kNow);
  EXPECT_EQ(counts.due, 0);
  EXPECT_EQ(counts.pending, 0);
  EXPECT_EQ(counts.stalled, 0);
  EXPECT_DOUBLE_EQ(counts.earliest_valid_until_per_epoch.at(1),
                   std::chrono::duration<double>((kNow + 47h).time_since_epoch()).count());
  index.remove(b.key());
  index.remove(a.key());
  counts = index.counts(kNow);
  EXPECT_TRUE(counts.earliest_valid_until_per_epoch.empty());
  EXPECT_EQ(counts.due, 0);
}

TEST(FolderIndexTest, RefusedObjectsCountForRetirementOnly) {
  FolderIndex index;
  auto bad = on_epoch("bad", 1, 1);
  auto object = bad.json();
  object["spec"].erase("cid");  // the strict parser refuses it
  index.upsert(bad.key(), index_entry(object));
  EXPECT_TRUE(index.entries().empty());
  EXPECT_FALSE(index.rewrap_id_of(bad.key()));
  EXPECT_EQ(index.needs({2}).unparsed, 1);
  EXPECT_EQ(index.needs({2}).needed_on(1), 1);
  expect_matches_scan(index, {object});
}

TEST(FolderIndexTest, LedgerCopiesShareTheirNamesGroup) {
  FolderIndex index;
  auto a = on_epoch("a", 1, 1);
  index.upsert(a.key(), index_entry(a.json()));
  EXPECT_EQ(index.needs({2}).needed_on(1), 1);
  // The ledger holds a's key on epoch 2 as well: durable on a live epoch, epoch 1 not needed.
  LedgerKeyCopies ledger{a.ipns_name, {1, 2}, true};
  index.upsert_ledger("cbx/" + a.ipns_name, ledger);
  EXPECT_EQ(index.needs({2}).needed_on(1), 0);
  expect_matches_scan(index, {a.json()}, {ledger});
  // The folder is deleted; the ledger alone still holds the name's copies.
  index.remove(a.key());
  EXPECT_EQ(index.needs({3}).needed_on(2), 1);
  expect_matches_scan(index, {}, {ledger});
  index.remove_ledger("cbx/" + a.ipns_name);
  expect_same_needs(index.needs({3}), EpochNeeds{});
}

// A re-list (after 410 Gone) reaches the handlers as the Store's deltas: objects gone while the
// watch was down are deleted, changed ones updated, new ones added.
TEST(FolderIndexTest, ReListDeltasLeaveTheIndexAsAFullScanWouldSeeIt) {
  kube::Store store;
  FolderIndex index;
  std::vector<FolderObject> folders;
  for (int i = 0; i < 6; ++i) folders.push_back(on_epoch("f" + std::to_string(i), i + 1, 1));
  auto objects_of = [&] {
    std::vector<nlohmann::json> out;
    for (const auto& f : folders) out.push_back(f.json());
    return out;
  };
  for (const auto& d : store.replace(objects_of())) apply(index, d);
  expect_matches_scan(index, objects_of());

  folders.erase(folders.begin());  // deleted while the watch was down
  folders[0].migrated = EncryptedKeyRef{2, "bmV3"};
  folders[0].resource_version = "2";
  folders[1].spec_epoch = 3;  // re-sealed by its owner
  folders[1].resource_version = "2";
  folders.push_back(on_epoch("g", 9, 2));
  auto deltas = store.replace(objects_of());
  EXPECT_EQ(deltas.size(), 4u);  // one delete, two updates, one add
  for (const auto& d : deltas) apply(index, d);
  expect_matches_scan(index, objects_of());
  EXPECT_EQ(index.entries(), (std::map<std::uint64_t, std::int64_t>{{1, 3}, {2, 2}, {3, 1}}));
}

// Many random deltas, checked against the full scan after each.
TEST(FolderIndexTest, RandomDeltasAgreeWithTheFullScan) {
  std::mt19937 rng(7);
  FolderIndex index;
  std::map<std::string, FolderObject> live;
  for (int step = 0; step < 300; ++step) {
    auto name = "f" + std::to_string(rng() % 12);
    if (rng() % 4 == 0) {
      live.erase(name);
      index.remove("default/" + name);
    } else {
      auto f = on_epoch(name, static_cast<std::uint8_t>(rng() % 5 + 1), rng() % 3 + 1);
      if (rng() % 2) f.migrated = EncryptedKeyRef{rng() % 4 + 1, "bQ=="};
      if (rng() % 3 == 0) {
        f.status.pending = PendingRecord{1, "UkVD", kNow + 1h, kNow, "/ipfs/x"};
        f.status.key_epoch = rng() % 3 + 1;
      }
      live[name] = f;
      index.upsert(f.key(), index_entry(f.json()));
    }
    std::vector<nlohmann::json> objects;
    for (const auto& [n, f] : live) objects.push_back(f.json());
    expect_matches_scan(index, objects);
    if (::testing::Test::HasFailure()) FAIL() << "after step " << step;
  }
}

}  // namespace
}  // namespace cbx::op
