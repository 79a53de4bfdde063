// The audit ring (issue 15 item 3): one entry per publication, bounded, with the record's digest
// and the signer's evidence; written by the read-back's first check of a publication.
#include "controllers/readback/audit_trail.h"

#include <gtest/gtest.h>

#include "api/v1alpha1/status_write.h"
#include "cbx/crypto/hash.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace testing;
using namespace std::chrono_literals;

IpnsRepublishStatus published(const FolderKey& key, std::uint64_t sequence, const Bytes& record) {
  IpnsRepublishStatus st;
  st.published_sequence = sequence;
  st.last_record = base64_encode(record);
  st.last_published_at = at("2026-12-01T00:00:00Z");
  st.valid_until = at("2026-12-03T00:00:00Z");
  (void)key;
  return st;
}

TEST(AuditTrail, AppendsEachPublicationOnceWithItsDigestAndEvidence) {
  auto key = folder_key(3);
  auto record = signed_record(key, std::string("/ipfs/") + kCidA, 4);
  auto st = published(key, 4, record);
  SignerEvidence evidence{"https://signer", "ab12", "cd34"};
  ASSERT_TRUE(append_publication(st, 2, evidence));
  EXPECT_FALSE(append_publication(st, 2, evidence)) << "the same publication twice";
  ASSERT_EQ(st.audit.size(), 1u);
  const auto& e = st.audit[0];
  EXPECT_EQ(e.sequence, 4u);
  auto digest = sha256(record);
  EXPECT_EQ(e.record_sha256, hex_encode(ByteView(digest.data(), digest.size())));
  EXPECT_EQ(e.epoch, 2u);
  EXPECT_EQ(e.signer, "https://signer");
  EXPECT_EQ(e.compose_hash, "ab12");
  EXPECT_EQ(e.quote_sha256, "cd34");
  EXPECT_EQ(e.valid_until, st.valid_until);
  EXPECT_EQ(e.published_at, st.last_published_at);
}

TEST(AuditTrail, KeepsTheNewestEntriesOnly) {
  auto key = folder_key(3);
  IpnsRepublishStatus st;
  for (std::uint64_t seq = 1; seq <= kAuditEntries + 5; ++seq) {
    auto next = published(key, seq, signed_record(key, std::string("/ipfs/") + kCidA, seq));
    next.audit = st.audit;
    ASSERT_TRUE(append_publication(next, 1, {}));
    st = next;
  }
  ASSERT_EQ(st.audit.size(), kAuditEntries);
  EXPECT_EQ(st.audit.front().sequence, 6u);
  EXPECT_EQ(st.audit.back().sequence, kAuditEntries + 5);
}

TEST(AuditTrail, NothingBeforeAPublicationOrWithAnUnreadableRecord) {
  IpnsRepublishStatus st;
  EXPECT_FALSE(append_publication(st, 1, {}));
  st.published_sequence = 1;
  st.last_record = "%%%";
  EXPECT_FALSE(append_publication(st, 1, {}));
  EXPECT_TRUE(st.audit.empty());
}

TEST(AuditTrail, SurvivesTheStatusJsonRoundTrip) {
  auto key = folder_key(3);
  auto st = published(key, 9, signed_record(key, std::string("/ipfs/") + kCidA, 9));
  ASSERT_TRUE(append_publication(st, 1, {"https://signer", "ab", "cd"}));
  nlohmann::json object = {{"metadata", {{"name", "p"}, {"namespace", "d"}}},
                           {"spec",
                            {{"ipnsName", key.name.text()},
                             {"cid", kCidA},
                             {"encryptedKey", "c2VhbGVk"},
                             {"keyEpoch", 1}}},
                           {"status", status_write(IpnsRepublish{}, st).body}};
  auto parsed = parse_ipns_republish(object);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(status_to_json(parsed->status), status_to_json(st));
  EXPECT_EQ(parsed->status.audit.at(0).quote_sha256, "cd");
  EXPECT_EQ(parsed->status.audit_sequences, std::vector<std::uint64_t>{9});
  auto cached = parse_ipns_republish(object, AuditDetail::kSequences);
  ASSERT_TRUE(cached);
  EXPECT_TRUE(cached->status.audit.empty()) << "the cache keeps the ring's sequences only";
  EXPECT_EQ(cached->status.audit_sequences, std::vector<std::uint64_t>{9});
  EXPECT_EQ(cached->status.audit_length, 1u);
  EXPECT_FALSE(append_publication(cached->status, 1, {})) << "known by its sequence";
}

}  // namespace
}  // namespace cbx::op
