// Issue 10 item 14: pre-rotation's failure memory shrinks with the folders it is about.
#include "controllers/epoch/rewrap_failures.h"

#include <gtest/gtest.h>

namespace cbx::op {
namespace {

TEST(RewrapFailuresTest, EntriesOfDeletedResealedOrMigratedFoldersAreDropped) {
  RewrapFailures failures;
  failures.record("ns/a@1/c2VhbA==", "DECRYPT_FAILED");
  failures.record("ns/b@1/c2VhbA==", "NAME_MISMATCH");
  failures.record("ns/c@1/b2xk", "DECRYPT_FAILED");
  // ns/a still there with the same key; ns/b deleted; ns/c re-sealed (new ciphertext).
  failures.retain({"ns/a@1/c2VhbA==", "ns/c@1/bmV3"});
  EXPECT_EQ(failures.size(), 1u);
  EXPECT_TRUE(failures.contains("ns/a@1/c2VhbA=="));
  EXPECT_FALSE(failures.contains("ns/b@1/c2VhbA=="));
  EXPECT_FALSE(failures.contains("ns/c@1/b2xk"));
  failures.retain({});
  EXPECT_EQ(failures.size(), 0u);
}

}  // namespace
}  // namespace cbx::op
