// How a folder's status write is composed (api/v1alpha1/status_write.h); the same writes against
// the real API server are in tests/kube_integration/folder_status_test.cpp.
#include "api/v1alpha1/status_write.h"

#include <gtest/gtest.h>

namespace cbx::op {
namespace {

using nlohmann::json;

AuditEntry entry(std::uint64_t sequence) {
  AuditEntry e;
  e.sequence = sequence;
  e.record_sha256 = "ab";
  return e;
}

IpnsRepublish folder_with_ring(std::size_t length) {
  IpnsRepublish f;
  f.resource_version = "42";
  f.status.published_sequence = length;
  for (std::uint64_t s = 1; s <= length; ++s) f.status.audit_sequences.push_back(s);
  f.status.audit_length = length;
  return f;
}

TEST(StatusWrite, WithoutNewEntriesAMergePatchThatLeavesTheRingAlone) {
  auto before = folder_with_ring(3);
  auto after = before.status;
  after.failures.count = 1;
  auto write = status_write(before, after);
  EXPECT_FALSE(write.json_patch);
  EXPECT_EQ(write.body["failures"]["count"], 1);
  EXPECT_FALSE(write.body.contains("audit")) << "absent in a merge patch: kept";
}

TEST(StatusWrite, EntriesTheServerHoldsAreNotSentAgain) {
  auto before = folder_with_ring(3);
  auto after = before.status;
  after.audit = {entry(2), entry(3)};  // a full read of the ring carries its entries
  EXPECT_TRUE(new_audit_entries(before.status, after).empty());
  EXPECT_FALSE(status_write(before, after).json_patch);
}

TEST(StatusWrite, TheFirstEntriesGoInTheMergePatch) {
  auto before = folder_with_ring(0);
  auto after = before.status;
  after.audit = {entry(1)};
  auto write = status_write(before, after);
  EXPECT_FALSE(write.json_patch);
  ASSERT_EQ(write.body["audit"].size(), 1u);
  EXPECT_EQ(write.body["audit"][0]["sequence"], "1");
}

TEST(StatusWrite, LaterEntriesAreAppendedAndTheOldestRemovedBeyondTheRing) {
  auto before = folder_with_ring(kAuditEntries);
  auto after = before.status;
  after.published_sequence = kAuditEntries + 2;
  after.audit = {entry(kAuditEntries + 1), entry(kAuditEntries + 2)};
  auto write = status_write(before, after);
  ASSERT_TRUE(write.json_patch);
  const auto& ops = write.body;
  ASSERT_TRUE(ops.is_array());
  EXPECT_EQ(ops[0], (json{{"op", "replace"}, {"path", "/metadata/resourceVersion"}, {"value", "42"}}))
      << "the resourceVersion is the precondition";
  std::vector<std::string> audit_ops;
  std::size_t field_adds = 0;
  for (const auto& o : ops) {
    std::string path = o["path"];
    if (path.rfind("/status/audit", 0) == 0) {
      audit_ops.push_back(o["op"].get<std::string>() + " " + path);
    } else if (path.rfind("/status/", 0) == 0) {
      EXPECT_EQ(o["op"], "add");
      ++field_adds;
      if (path == "/status/publishedSequence") {
        EXPECT_EQ(o["value"], std::to_string(kAuditEntries + 2));
      }
    }
  }
  EXPECT_EQ(field_adds, status_to_json(after).size()) << "every status field but the ring";
  EXPECT_EQ(audit_ops, (std::vector<std::string>{"add /status/audit/-", "add /status/audit/-",
                                                 "remove /status/audit/0",
                                                 "remove /status/audit/0"}));
}

TEST(StatusWrite, NeverMoreThanARingOfNewEntries) {
  auto before = folder_with_ring(0);
  auto after = before.status;
  for (std::uint64_t s = 1; s <= kAuditEntries + 3; ++s) after.audit.push_back(entry(s));
  auto fresh = new_audit_entries(before.status, after);
  ASSERT_EQ(fresh.size(), kAuditEntries);
  EXPECT_EQ(fresh.front().sequence, 4u);
}

}  // namespace
}  // namespace cbx::op
