// The typed folder cache's decoder (app/folder_informer.h): one decode per watch event, never a
// throw, and the retirement check's lenient view of the key fields kept for every object.
#include "app/folder_informer.h"

#include <gtest/gtest.h>

#include "../controllers/republish_fixtures.h"
#include "app/folder_shard.h"

namespace cbx::op {
namespace {

using nlohmann::json;

constexpr char kName[] = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8";

json folder_json(const std::string& name) {
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "IpnsRepublish"},
          {"metadata",
           {{"namespace", "ns"}, {"name", name}, {"generation", 3}, {"resourceVersion", "41"}}},
          {"spec",
           {{"ipnsName", kName},
            {"cid", testing::kCidA},
            {"encryptedKey", "c3BlYw=="},
            {"keyEpoch", 2}}},
          {"status",
           {{"sequence", "7"},
            {"keyEpoch", 3},
            {"migratedKey", {{"epoch", 3}, {"encryptedKey", "bWlncmF0ZWQ="}}}}}};
}

void expect_same_copies(const FolderKeyCopies& a, const FolderKeyCopies& b, const json& o) {
  EXPECT_EQ(a.key, b.key) << o.dump();
  EXPECT_EQ(a.ipns_name, b.ipns_name) << o.dump();
  EXPECT_EQ(a.parsed, b.parsed) << o.dump();
  EXPECT_EQ(a.readable, b.readable) << o.dump();
  EXPECT_EQ(a.spec_epoch, b.spec_epoch) << o.dump();
  EXPECT_EQ(a.migrated_epoch, b.migrated_epoch) << o.dump();
  EXPECT_EQ(a.pending_epoch, b.pending_epoch) << o.dump();
}

TEST(FolderInformerTest, AValidFolderIsDecodedOnceWithEverythingTheControllersRead) {
  auto o = folder_json("photos");
  auto cached = decode_cached_folder(o);
  EXPECT_FALSE(cached.invalid_spec);
  EXPECT_EQ(cached.key(), "ns/photos");
  EXPECT_EQ(cached.resource_version, "41");
  EXPECT_EQ(cached.generation, 3);
  EXPECT_EQ(cached.spec.key_epoch, 2u);
  EXPECT_EQ(cached.status.sequence, 7u);
  ASSERT_TRUE(cached.status.migrated_key);
  EXPECT_EQ(effective_key(cached).epoch, 3u);
  expect_same_copies(cached.key_copies(), folder_key_copies(o), o);
}

TEST(FolderInformerTest, AnInvalidSpecIsCachedWithItsNameAndNeverValid) {
  auto o = folder_json("broken");
  o["spec"]["keyEpoch"] = 0;  // the spec parser refuses it
  auto cached = decode_cached_folder(o);
  ASSERT_TRUE(cached.invalid_spec);
  EXPECT_NE(cached.invalid_spec->message.find("keyEpoch"), std::string::npos)
      << cached.invalid_spec->message;
  EXPECT_EQ(cached.key(), "ns/broken");
  EXPECT_EQ(cached.spec.ipns_name, kName) << "its shard and name claims still follow the name";
  expect_same_copies(cached.key_copies(), folder_key_copies(o), o);
  EXPECT_FALSE(cached.key_copies().parsed);
}

// Fields of types the CRD schema forbids (a status written by hand, an old server): the strict
// parser threw on some of these, which in the informer thread would end the process.
TEST(FolderInformerTest, HostileFieldTypesNeverThrowAndAreCachedAsInvalid) {
  std::vector<json> hostile;
  for (auto [path, value] : std::vector<std::pair<json::json_pointer, json>>{
           {json::json_pointer("/metadata/generation"), "two"},
           {json::json_pointer("/status/failures"), {{"count", "many"}}},
           {json::json_pointer("/status/observedGeneration"), "x"},
           {json::json_pointer("/status/migratedKey"), json::array()},
           {json::json_pointer("/spec/encryptedKey"), 7},
       }) {
    auto o = folder_json("h");
    o[path] = value;
    hostile.push_back(o);
  }
  for (const auto& o : hostile) {
    CachedFolder cached;
    ASSERT_NO_THROW(cached = decode_cached_folder(o)) << o.dump();
    EXPECT_EQ(cached.key(), "ns/h") << o.dump();
    EXPECT_EQ(cached.spec.ipns_name, kName) << o.dump();
    expect_same_copies(cached.key_copies(), folder_key_copies(o, !cached.invalid_spec), o);
  }
  ASSERT_TRUE(decode_cached_folder(hostile[0]).invalid_spec);
  EXPECT_NE(decode_cached_folder(hostile[0]).invalid_spec->message.find("metadata.generation"),
            std::string::npos);
  EXPECT_FALSE(decode_cached_folder(hostile[1]).invalid_spec) << "a status field reads as absent";
  EXPECT_EQ(decode_cached_folder(hostile[1]).status.failures.count, 0u);
  EXPECT_TRUE(decode_cached_folder(hostile[4]).invalid_spec);
  EXPECT_FALSE(decode_cached_folder(hostile[3]).key_copies().readable)
      << "an unreadable migratedKey needs every epoch, whatever the typed status holds";
  for (const auto& o : {json(nullptr), json::array({1}), json("text")}) {
    EXPECT_NO_THROW(decode_cached_folder(o)) << o.dump();
    EXPECT_TRUE(decode_cached_folder(o).invalid_spec) << o.dump();
  }
}

TEST(FolderInformerTest, TheTypedShardOfAFolderIsTheOneItsJsonHashesTo) {
  std::vector<json> objects = {folder_json("a"), folder_json("b")};
  objects[1]["spec"]["keyEpoch"] = 0;  // invalid, name still readable
  objects.push_back(folder_json("c"));
  objects[2]["spec"].erase("ipnsName");  // no name: falls back to the key
  for (const auto& o : objects) {
    auto cached = decode_cached_folder(o);
    for (std::uint32_t n = 1; n <= 8; ++n) {
      for (std::uint32_t i = 0; i < n; ++i) {
        kube::ShardSpec shard{i, n};
        EXPECT_EQ(owns_folder(shard, cached), owns_folder(shard, o)) << o.dump();
      }
    }
  }
}

}  // namespace
}  // namespace cbx::op
