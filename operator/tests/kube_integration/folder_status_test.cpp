// A folder's status writes against the real API server (api/v1alpha1/status_write.h): the audit
// ring is appended, never rewritten, so the cache needs only its sequences; the resourceVersion
// stays the precondition on both patch kinds; nulls clear fields on both.
#include <gtest/gtest.h>

#include "api/v1alpha1/status_write.h"
#include "app/kube_ports.h"
#include "kube/resource.h"
#include "support.h"

namespace cbx::kube::it {
namespace {

using op::AuditDetail;
using op::AuditEntry;
using op::IpnsRepublish;

class FolderStatusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_crds(); }
  void SetUp() override {
    client_ = admin_client();
    ASSERT_TRUE(client_);
    ns_ = make_namespace(*client_, "fstatus");
    ASSERT_TRUE(client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "f")).ok());
  }
  // As the informer's cache holds it: the ring's sequences, not its entries.
  IpnsRepublish cached() {
    auto object = client_->get(resources::kIpnsRepublish, ns_, "f");
    EXPECT_TRUE(object.ok());
    auto folder = op::parse_ipns_republish(*object, AuditDetail::kSequences);
    EXPECT_TRUE(folder.ok());
    EXPECT_TRUE(folder->status.audit.empty());
    return *folder;
  }
  json ring() { return (*client_->get(resources::kIpnsRepublish, ns_, "f"))["status"]["audit"]; }
  // One publication's status and its audit entry, appended as the read-back does.
  Result<json> publish(const IpnsRepublish& before, std::uint64_t sequence) {
    auto st = before.status;
    st.published_sequence = sequence;
    st.published_cid = kCid;
    st.failures = {};
    st.pending.reset();
    st.audit.push_back(AuditEntry{sequence, std::string(64, 'a'), std::nullopt, std::nullopt, 1,
                                  "https://signer", std::string(64, 'c'), std::string(64, 'd')});
    return op::patch_folder_status(*client_, before, st);
  }
  std::unique_ptr<KubeClient> client_;
  std::string ns_;
};

std::vector<std::string> sequences(const json& ring) {
  std::vector<std::string> out;
  for (const auto& e : ring) out.push_back(e["sequence"]);
  return out;
}

TEST_F(FolderStatusTest, TheRingIsAppendedToAndKeepsTheNewestEntries) {
  for (std::uint64_t seq = 1; seq <= op::kAuditEntries + 4; ++seq) {
    auto before = cached();
    EXPECT_EQ(before.status.audit_length, std::min<std::size_t>(seq - 1, op::kAuditEntries));
    auto next = before.status;
    next.audit.emplace_back().sequence = seq;
    EXPECT_EQ(op::status_write(before, next).json_patch, seq > 1)
        << "the first entry goes in a merge patch, later ones are appended";
    auto written = publish(before, seq);
    ASSERT_TRUE(written.ok()) << seq << ": " << written.error().message;
  }
  auto entries = ring();
  ASSERT_EQ(entries.size(), op::kAuditEntries);
  EXPECT_EQ(entries.front()["sequence"], "5");
  EXPECT_EQ(entries.back()["sequence"], std::to_string(op::kAuditEntries + 4));
  EXPECT_EQ(entries.back()["composeHash"], std::string(64, 'c')) << "whole entries on the server";
  auto full = op::parse_ipns_republish(*client_->get(resources::kIpnsRepublish, ns_, "f"));
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->status.audit.size(), op::kAuditEntries);
  EXPECT_EQ(full->status.audit.back().quote_sha256, std::string(64, 'd'));
}

TEST_F(FolderStatusTest, WritesWithoutNewEntriesLeaveTheRingAlone) {
  ASSERT_TRUE(publish(cached(), 1).ok());
  ASSERT_TRUE(publish(cached(), 2).ok());
  auto before = cached();
  auto st = before.status;
  st.failures.count = 3;
  st.failures.reason = "Unreachable";
  auto written = op::patch_folder_status(*client_, before, st);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(sequences(ring()), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ((*written)["status"]["failures"]["reason"], "Unreachable");
}

TEST_F(FolderStatusTest, AnAppendClearsNullFieldsLikeAMergePatch) {
  ASSERT_TRUE(publish(cached(), 1).ok());
  auto before = cached();
  auto st = before.status;
  st.failures = {2, "Unreachable", "no route", std::nullopt};
  st.pending.emplace();
  st.pending->sequence = 7;
  st.pending->record = "cmVjb3Jk";
  st.pending->valid_until = SysTime{} + std::chrono::hours(500000);
  ASSERT_TRUE(op::patch_folder_status(*client_, before, st).ok());
  before = cached();
  ASSERT_TRUE(before.status.pending);
  auto written = publish(before, 2);  // failures and pending cleared, an entry appended
  ASSERT_TRUE(written.ok()) << written.error().message;
  const auto& status = (*written)["status"];
  EXPECT_FALSE(status.contains("pending")) << status.dump();
  EXPECT_FALSE(status["failures"].contains("reason")) << status.dump();
  EXPECT_EQ(status["publishedSequence"], "2");
  EXPECT_EQ(sequences(status["audit"]), (std::vector<std::string>{"1", "2"}));
}

TEST_F(FolderStatusTest, AStaleResourceVersionIsAConflictOnBothPatchKinds) {
  auto stale = cached();
  ASSERT_TRUE(publish(stale, 1).ok());  // merge patch (no ring yet): stale is now stale
  auto conflict = publish(stale, 2);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, "CONFLICT");
  auto second = cached();
  ASSERT_TRUE(publish(second, 2).ok());
  auto appended_conflict = publish(second, 3);  // JSON Patch path, second is stale now
  ASSERT_FALSE(appended_conflict.ok());
  EXPECT_EQ(appended_conflict.error().code, "CONFLICT");
  EXPECT_EQ(sequences(ring()), (std::vector<std::string>{"1", "2"}));
}

}  // namespace
}  // namespace cbx::kube::it
