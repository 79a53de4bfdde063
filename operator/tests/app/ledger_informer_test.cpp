// The typed KeyLedger cache (app/ledger_informer): one decode per event, what the readers use,
// and nothing an object holds makes the decode throw.
#include "app/ledger_informer.h"

#include <gtest/gtest.h>

#include "../controllers/republish_fixtures.h"

namespace cbx::op {
namespace {

using nlohmann::json;
using testing::folder_key;

std::string name_a() {
  return folder_key(7).name.text();
}

json ledger_object() {
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "KeyLedger"},
          {"metadata",
           {{"name", name_a()},
            {"namespace", "cbx"},
            {"resourceVersion", "42"},
            {"managedFields", json::array({{{"manager", "cipherbox-republish"}}})}}},
          {"spec",
           {{"ipnsName", name_a()},
            {"keys",
             {{{"epoch", 2},
               {"encryptedKey", "bWlncmF0ZWQ="},
               {"source", "Migrated"},
               {"recordedAt", "2026-12-01T05:00:00Z"}},
              {{"epoch", 1},
               {"encryptedKey", "c2VhbGVk"},
               {"source", "Spec"},
               {"recordedAt", "2026-11-30T05:00:00Z"}}}},
            {"folders", {"team-a/photos"}}}}};
}

TEST(LedgerInformerTest, DecodesTheLedgerItsKeyAndItsEpochs) {
  auto cached = decode_cached_ledger(ledger_object());
  EXPECT_EQ(cached.key(), "cbx/" + name_a());
  EXPECT_EQ(cached.resource_version, "42");
  ASSERT_TRUE(cached.ledger) << cached.error;
  EXPECT_EQ(cached.ledger->resource_version, "42");
  ASSERT_EQ(cached.ledger->keys.size(), 2u);
  EXPECT_EQ(cached.ledger->key_for(2)->encrypted_key, "bWlncmF0ZWQ=");
  EXPECT_EQ(cached.ledger->folders, std::vector<std::string>{"team-a/photos"});
  EXPECT_TRUE(cached.copies.readable);
  EXPECT_EQ(cached.copies.ipns_name, name_a());
  EXPECT_EQ(cached.copies.epochs, (std::set<std::uint64_t>{1, 2}));
  EXPECT_FALSE(cached.has_pending_record);
}

TEST(LedgerInformerTest, AnUnreadableLedgerIsCachedAsRefusedWithItsNameAndPendingRecord) {
  auto object = ledger_object();
  object["spec"]["keys"] = "not a list";
  object["spec"]["pendingRecord"] = 7;  // there, though unreadable: the folder's sequence waits
  auto cached = decode_cached_ledger(object);
  EXPECT_EQ(cached.key(), "cbx/" + name_a());
  EXPECT_FALSE(cached.ledger);
  EXPECT_FALSE(cached.error.empty());
  EXPECT_FALSE(cached.copies.readable) << "needs every epoch";
  EXPECT_TRUE(cached.has_pending_record);
}

TEST(LedgerInformerTest, HostileShapesDecodeWithoutThrowing) {
  std::vector<json> shapes = {json::array(),
                              json("text"),
                              json(nullptr),
                              json::object(),
                              json{{"metadata", 5}},
                              json{{"metadata", {{"name", 5}, {"namespace", json::array()}}}},
                              json{{"metadata", {{"name", name_a()}}}, {"spec", "x"}}};
  for (const auto& shape : shapes) {
    CachedLedger cached;
    ASSERT_NO_THROW(cached = decode_cached_ledger(shape)) << shape.dump();
    EXPECT_FALSE(cached.ledger) << shape.dump();
    EXPECT_FALSE(cached.has_pending_record) << shape.dump();
  }
}

}  // namespace
}  // namespace cbx::op
