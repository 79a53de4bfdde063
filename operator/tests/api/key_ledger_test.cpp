#include "api/v1alpha1/key_ledger.h"

#include <gtest/gtest.h>

#include "../controllers/republish_fixtures.h"

namespace cbx::op {
namespace {

using nlohmann::json;
using testing::at;
using testing::folder_key;

std::string name_a() {
  return folder_key(7).name.text();
}

json valid_object() {
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "KeyLedger"},
          {"metadata", {{"name", name_a()}, {"namespace", "cbx"}, {"resourceVersion", "42"}}},
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
            {"folders", {"team-b/photos", "team-a/photos", "team-a/photos"}},
            {"deletedAt", "2026-12-01T06:00:00Z"},
            {"sequence", "18446744073709551615"},
            {"pendingRecord",
             {{"sequence", "7"},
              {"record", "cmVjb3Jk"},
              {"validUntil", "2026-12-03T06:00:00Z"},
              {"folder", "team-a/photos"}}}}}};
}

TEST(KeyLedgerTest, ParsesEveryFieldSortedAndDeduplicated) {
  auto ledger = parse_key_ledger(valid_object());
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_EQ(ledger->ipns_name, name_a());
  EXPECT_EQ(ledger->resource_version, "42");
  ASSERT_EQ(ledger->keys.size(), 2u);
  EXPECT_EQ(ledger->keys[0].epoch, 1u);
  EXPECT_EQ(ledger->keys[1].source, ledger_source::kMigrated);
  EXPECT_EQ(ledger->keys[1].recorded_at, at("2026-12-01T05:00:00Z"));
  EXPECT_EQ(ledger->key_for(2)->encrypted_key, "bWlncmF0ZWQ=");
  EXPECT_EQ(ledger->key_for(3), nullptr);
  EXPECT_EQ(ledger->folders, (std::vector<std::string>{"team-a/photos", "team-b/photos"}));
  EXPECT_EQ(*ledger->deleted_at, at("2026-12-01T06:00:00Z"));
  EXPECT_EQ(*ledger->sequence, UINT64_MAX);
  ASSERT_TRUE(ledger->pending_record);
  EXPECT_EQ(ledger->pending_record->sequence, 7u);
  EXPECT_EQ(ledger->pending_record->folder, "team-a/photos");
}

TEST(KeyLedgerTest, RoundTripsThroughJson) {
  auto ledger = parse_key_ledger(valid_object());
  ASSERT_TRUE(ledger);
  auto object = key_ledger_to_object(*ledger, "cbx");
  EXPECT_EQ(object["metadata"]["name"], name_a());
  EXPECT_EQ(object["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(object["kind"], "KeyLedger");
  auto again = parse_key_ledger(object);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(key_ledger_spec_to_json(*again), key_ledger_spec_to_json(*ledger));
}

TEST(KeyLedgerTest, MinimalObjectHasNoOptionalFields) {
  json object = {{"metadata", {{"name", name_a()}}}, {"spec", {{"ipnsName", name_a()}}}};
  auto ledger = parse_key_ledger(object);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_TRUE(ledger->keys.empty());
  EXPECT_FALSE(ledger->deleted_at);
  EXPECT_FALSE(ledger->pending_record);
  auto spec = key_ledger_spec_to_json(*ledger);
  EXPECT_FALSE(spec.contains("deletedAt"));
  EXPECT_FALSE(spec.contains("pendingRecord"));
}

// Each hostile or clumsy shape is refused as a whole: nothing of it is trusted.
TEST(KeyLedgerTest, RefusesMalformedObjects) {
  auto mutated = [](auto edit) {
    json o = valid_object();
    edit(o);
    return parse_key_ledger(o);
  };
  std::vector<std::pair<std::string, Result<KeyLedger>>> cases;
  cases.emplace_back("name is not spec.ipnsName",
                     mutated([](json& o) { o["metadata"]["name"] = folder_key(8).name.text(); }));
  cases.emplace_back("ipnsName not a name", mutated([](json& o) {
                       o["metadata"]["name"] = "k51notaname";
                       o["spec"]["ipnsName"] = "k51notaname";
                     }));
  cases.emplace_back("duplicate epoch",
                     mutated([](json& o) { o["spec"]["keys"][1]["epoch"] = 2; }));
  cases.emplace_back("epoch 0", mutated([](json& o) { o["spec"]["keys"][0]["epoch"] = 0; }));
  cases.emplace_back("negative epoch",
                     mutated([](json& o) { o["spec"]["keys"][0]["epoch"] = -1; }));
  cases.emplace_back("epoch as string",
                     mutated([](json& o) { o["spec"]["keys"][0]["epoch"] = "2"; }));
  cases.emplace_back("key not a string",
                     mutated([](json& o) { o["spec"]["keys"][0]["encryptedKey"] = 5; }));
  cases.emplace_back("key not base64",
                     mutated([](json& o) { o["spec"]["keys"][0]["encryptedKey"] = "!!"; }));
  cases.emplace_back("key too long", mutated([](json& o) {
                       o["spec"]["keys"][0]["encryptedKey"] = std::string(2000, 'A');
                     }));
  cases.emplace_back("unknown source",
                     mutated([](json& o) { o["spec"]["keys"][0]["source"] = "Tenant"; }));
  cases.emplace_back("bad time",
                     mutated([](json& o) { o["spec"]["keys"][0]["recordedAt"] = "yesterday"; }));
  cases.emplace_back("keys not a list", mutated([](json& o) { o["spec"]["keys"] = "all"; }));
  cases.emplace_back("key entry not an object",
                     mutated([](json& o) { o["spec"]["keys"][0] = "x"; }));
  cases.emplace_back("too many keys", mutated([](json& o) {
                       json keys = json::array();
                       for (int i = 1; i <= 65; ++i) {
                         keys.push_back({{"epoch", i},
                                         {"encryptedKey", "c2VhbGVk"},
                                         {"source", "Spec"},
                                         {"recordedAt", "2026-11-30T05:00:00Z"}});
                       }
                       o["spec"]["keys"] = keys;
                     }));
  cases.emplace_back("too many folders", mutated([](json& o) {
                       json folders = json::array();
                       for (int i = 0; i < 65; ++i) folders.push_back("ns/f" + std::to_string(i));
                       o["spec"]["folders"] = folders;
                     }));
  cases.emplace_back("folder not ns/name",
                     mutated([](json& o) { o["spec"]["folders"][0] = "photos"; }));
  cases.emplace_back("deletedAt a number", mutated([](json& o) { o["spec"]["deletedAt"] = 5; }));
  cases.emplace_back("sequence not decimal",
                     mutated([](json& o) { o["spec"]["sequence"] = "-1"; }));
  cases.emplace_back("pending without record",
                     mutated([](json& o) { o["spec"]["pendingRecord"].erase("record"); }));
  cases.emplace_back("pending sequence missing",
                     mutated([](json& o) { o["spec"]["pendingRecord"].erase("sequence"); }));
  cases.emplace_back("spec missing", mutated([](json& o) { o.erase("spec"); }));
  cases.emplace_back("spec a list", mutated([](json& o) { o["spec"] = json::array(); }));
  cases.emplace_back("not an object", parse_key_ledger(json::array()));
  for (const auto& [what, result] : cases) {
    ASSERT_FALSE(result) << what;
    EXPECT_EQ(result.error().code, "INVALID_LEDGER") << what;
  }
}

// The error names the JSON path of the field (the shared strict reader), never its value.
TEST(KeyLedgerTest, ErrorsNameThePathOfTheRefusedField) {
  auto message_of = [](auto edit) {
    json o = valid_object();
    edit(o);
    auto ledger = parse_key_ledger(o);
    return ledger ? std::string("parsed") : ledger.error().message;
  };
  EXPECT_EQ(message_of([](json& o) { o["spec"]["keys"][1]["encryptedKey"] = "!!secret!!"; }),
            "spec.keys[1].encryptedKey: expected base64");
  EXPECT_EQ(message_of([](json& o) { o["spec"]["keys"][0]["epoch"] = 0; }),
            "spec.keys[0].epoch: expected an integer from 1 to 18446744073709551615");
  EXPECT_EQ(message_of([](json& o) { o["spec"]["keys"][0]["epoch"] = 1.5; }),
            "spec.keys[0].epoch: expected an unsigned 64-bit integer");
  EXPECT_EQ(message_of([](json& o) { o["spec"]["keys"][1] = "x"; }),
            "spec.keys[1]: expected an object");
  EXPECT_EQ(message_of([](json& o) { o["spec"]["pendingRecord"]["sequence"] = -7; }),
            "spec.pendingRecord.sequence: expected an unsigned 64-bit integer or its decimal "
            "string");
  EXPECT_EQ(message_of([](json& o) { o["spec"]["folders"][2] = 5; }),
            "spec.folders[2]: expected a string namespace/name of at most 317 characters");
  EXPECT_EQ(message_of([](json& o) { o["metadata"].erase("name"); }), "metadata.name: required");
}

}  // namespace
}  // namespace cbx::op

namespace cbx::op {
namespace {

TEST(KeyLedgerTest, OnlyIpnsNamesThatAreDnsLabelsGetALedger) {
  EXPECT_TRUE(valid_ledger_name(name_a()));
  EXPECT_FALSE(valid_ledger_name(""));
  EXPECT_FALSE(valid_ledger_name("k51notaname"));
  EXPECT_FALSE(valid_ledger_name(name_a() + "/status"));
  EXPECT_FALSE(valid_ledger_name("../" + name_a()));
  std::string upper = name_a();
  upper[10] = 'A';
  EXPECT_FALSE(valid_ledger_name(upper));
}

}  // namespace
}  // namespace cbx::op
