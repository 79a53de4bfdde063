// --shard i/n: parsing, the documented hash (pinned values: a change would move folders between
// shards of processes built differently), and the shard Lease names.
#include "kube/shard.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cbx::kube {
namespace {

TEST(ParseShard, AcceptsIndexBelowCount) {
  EXPECT_EQ(*parse_shard("0/1"), (ShardSpec{0, 1}));
  EXPECT_EQ(*parse_shard("1/2"), (ShardSpec{1, 2}));
  EXPECT_EQ(*parse_shard("255/256"), (ShardSpec{255, 256}));
}

TEST(ParseShard, RefusesEverythingElse) {
  for (const char* bad :
       {"2/2",   "-1/3",  "0/0",          "a/b",          "1",    "",     "/",     "0/",
        "/2",    "0/257", "1/1",          " 0/2",         "0/2 ", "+0/2", "0x1/2", "1e1/20",
        "0/2/3", "0//2",  "4294967297/2", "0/4294967298", "1.0/2"}) {
    auto shard = parse_shard(bad);
    ASSERT_FALSE(shard) << bad;
    EXPECT_EQ(shard.error().code, "INVALID") << bad;
    EXPECT_NE(shard.error().message.find("--shard"), std::string::npos);
  }
}

TEST(ShardHash, IsFnv1a64) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(ShardHash, PinnedShardsOfSomeKeys) {
  EXPECT_EQ(shard_of_key("default/photos", 2), 0u);
  EXPECT_EQ(shard_of_key("default/photos", 3), 0u);
  EXPECT_EQ(shard_of_key("default/photos", 7), 1u);
  EXPECT_EQ(shard_of_key("team-a/folder-7", 2), 1u);
  EXPECT_EQ(shard_of_key("team-a/folder-7", 7), 2u);
  EXPECT_EQ(shard_of_key("cbx-e2e/f1", 7), 4u);
  EXPECT_EQ(shard_of_key("anything", 1), 0u);
}

TEST(ShardHash, EveryKeyHasExactlyOneOwnerAndTheSplitIsEven) {
  const std::uint32_t n = 4;
  std::vector<int> per_shard(n, 0);
  for (int ns = 0; ns < 10; ++ns) {
    for (int f = 0; f < 1000; ++f) {
      std::string key = "ns-" + std::to_string(ns) + "/folder-" + std::to_string(f);
      int owners = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        if (owns_key(ShardSpec{i, n}, key)) {
          ++owners;
          ++per_shard[i];
        }
      }
      ASSERT_EQ(owners, 1) << key;
      EXPECT_TRUE(owns_key(ShardSpec{0, 1}, key));
    }
  }
  for (int count : per_shard) {
    EXPECT_GT(count, 2300);
    EXPECT_LT(count, 2700);
  }
}

TEST(ShardLeaseName, SingleShardKeepsTheBaseName) {
  EXPECT_EQ(shard_lease_name("cipherbox-republish", ShardSpec{0, 1}), "cipherbox-republish");
  EXPECT_EQ(shard_lease_name("cipherbox-republish", ShardSpec{1, 2}),
            "cipherbox-republish-shard-1-of-2");
}

TEST(ShardLeaseName, ReadsBackOnlyWhatItWrites) {
  const std::string base = "cipherbox-republish";
  EXPECT_EQ(shard_of_lease_name(base, base), (ShardSpec{0, 1}));
  EXPECT_EQ(shard_of_lease_name(base, "cipherbox-republish-shard-1-of-2"), (ShardSpec{1, 2}));
  EXPECT_EQ(shard_of_lease_name(base, "cipherbox-republish-shard-15-of-16"), (ShardSpec{15, 16}));
  for (const char* foreign :
       {"other", "cipherbox-republish-x", "cipherbox-republish-shard-",
        "cipherbox-republish-shard-1", "cipherbox-republish-shard-01-of-2",
        "cipherbox-republish-shard-2-of-2", "cipherbox-republish-shard-0-of-1",
        "cipherbox-republish-shard-0-of-2x", "cipherbox-republish-shard-0-of-257",
        "xcipherbox-republish-shard-0-of-2", "cipherbox-republish-shard--1-of-2"}) {
    EXPECT_FALSE(shard_of_lease_name(base, foreign)) << foreign;
  }
}

}  // namespace
}  // namespace cbx::kube
