#include "kube/store.h"

#include <gtest/gtest.h>

namespace cbx::kube {
namespace {

json obj(const std::string& name, const std::string& rv, const std::string& ns = "ns") {
  return {{"metadata", {{"name", name}, {"namespace", ns}, {"resourceVersion", rv}}}};
}

std::map<std::string, Delta::Type> by_key(const std::vector<Delta>& deltas) {
  std::map<std::string, Delta::Type> out;
  for (const auto& d : deltas) out[d.key] = d.type;
  return out;
}

TEST(StoreReplace, FirstListAddsEverything) {
  Store store;
  auto deltas = store.replace({obj("a", "1"), obj("b", "2")});
  EXPECT_EQ(by_key(deltas), (std::map<std::string, Delta::Type>{{"ns/a", Delta::Type::added},
                                                                {"ns/b", Delta::Type::added}}));
  EXPECT_EQ(store.size(), 2u);
}

TEST(StoreReplace, RelistReportsOnlyRealChanges) {
  Store store;
  store.replace({obj("same", "1"), obj("changed", "2"), obj("gone", "3")});
  auto deltas = store.replace({obj("same", "1"), obj("changed", "7"), obj("new", "8")});
  EXPECT_EQ(by_key(deltas),
            (std::map<std::string, Delta::Type>{{"ns/changed", Delta::Type::updated},
                                                {"ns/gone", Delta::Type::deleted},
                                                {"ns/new", Delta::Type::added}}));
  for (const auto& d : deltas) {
    if (d.type == Delta::Type::updated) {
      EXPECT_EQ(resource_version_of(*d.old_object), "2");
      EXPECT_EQ(resource_version_of(*d.object), "7");
    }
    if (d.type == Delta::Type::deleted) {
      EXPECT_EQ(resource_version_of(*d.object), "3");
    }
  }
  EXPECT_FALSE(store.get("ns/gone"));
  EXPECT_EQ(resource_version_of(*store.get("ns/changed")), "7");
}

TEST(StoreReplace, RelistOfAnUnchangedWorldIsSilent) {
  Store store;
  store.replace({obj("a", "1"), obj("b", "2")});
  EXPECT_TRUE(store.replace({obj("b", "2"), obj("a", "1")}).empty());
}

TEST(StoreApply, WatchEventsUpdateTheCache) {
  Store store;
  auto added = store.apply({"ADDED", obj("a", "1")});
  ASSERT_TRUE(added);
  EXPECT_EQ(added->type, Delta::Type::added);
  auto modified = store.apply({"MODIFIED", obj("a", "2")});
  ASSERT_TRUE(modified);
  EXPECT_EQ(modified->type, Delta::Type::updated);
  EXPECT_EQ(resource_version_of(*modified->old_object), "1");
  auto deleted = store.apply({"DELETED", obj("a", "3")});
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->type, Delta::Type::deleted);
  EXPECT_EQ(store.size(), 0u);
}

TEST(StoreReplace, KeepsOneSharedInstancePerObjectVersion) {
  Store store;
  auto first = store.replace({obj("a", "1")});
  auto cached = store.get_shared("ns/a");
  EXPECT_EQ(cached, first[0].object) << "the delta and the cache share the object";
  store.replace({obj("a", "1")});
  EXPECT_EQ(store.get_shared("ns/a"), cached) << "an unchanged object keeps its instance";
  EXPECT_EQ(store.get_shared("ns/missing"), nullptr);
}

TEST(StoreApply, ReplayedEventsAreIgnored) {
  Store store;
  store.replace({obj("a", "5")});
  EXPECT_FALSE(store.apply({"ADDED", obj("a", "5")})) << "already known from the list";
  EXPECT_FALSE(store.apply({"MODIFIED", obj("a", "5")}));
  EXPECT_FALSE(store.apply({"DELETED", obj("unknown", "6")}));
  EXPECT_FALSE(store.apply({"BOOKMARK", obj("", "9")}));
}

TEST(StoreKeys, ClusterScopedObjectsAreKeyedByName) {
  EXPECT_EQ(key_of(obj("epoch-1", "1", "")), "epoch-1");
  EXPECT_EQ(split_key("ns/a"), (std::pair<std::string, std::string>{"ns", "a"}));
  EXPECT_EQ(split_key("epoch-1"), (std::pair<std::string, std::string>{"", "epoch-1"}));
}

}  // namespace
}  // namespace cbx::kube
