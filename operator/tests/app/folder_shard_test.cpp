#include "app/folder_shard.h"

#include <gtest/gtest.h>

namespace cbx::op {
namespace {

nlohmann::json folder(const std::string& ns, const std::string& name, nlohmann::json spec) {
  return {{"metadata", {{"namespace", ns}, {"name", name}}}, {"spec", std::move(spec)}};
}

constexpr char kName[] = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8";

TEST(FolderShardTest, EveryObjectClaimingOneNameIsInOneShard) {
  auto a = folder("team-a", "photos", {{"ipnsName", kName}});
  auto b = folder("team-b", "stolen-name", {{"ipnsName", kName}});
  EXPECT_EQ(folder_shard_key(a), kName);
  for (std::uint32_t n = 1; n <= 16; ++n) {
    for (std::uint32_t i = 0; i < n; ++i) {
      kube::ShardSpec shard{i, n};
      EXPECT_EQ(owns_folder(shard, a), owns_folder(shard, b)) << i << "/" << n;
    }
  }
}

TEST(FolderShardTest, AnObjectWithoutAReadableNameFallsBackToItsKey) {
  EXPECT_EQ(folder_shard_key(folder("ns", "a", nlohmann::json::object())), "ns/a");
  EXPECT_EQ(folder_shard_key(folder("ns", "b", {{"ipnsName", 7}})), "ns/b");
  EXPECT_EQ(folder_shard_key(folder("ns", "c", {{"ipnsName", ""}})), "ns/c");
  EXPECT_EQ(folder_shard_key(folder("ns", "d", "not an object")), "ns/d");
}

}  // namespace
}  // namespace cbx::op
