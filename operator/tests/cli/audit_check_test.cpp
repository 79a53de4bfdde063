// `cipherbox-republish audit` (issue 15 item 3): entries checked against what endpoints serve,
// which is verified against the name's key first.
#include "cli/audit_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../controllers/republish_fixtures.h"
#include "controllers/readback/audit_trail.h"

namespace cbx::cli {
namespace {

using namespace op::testing;
using ::testing::HasSubstr;

struct History {
  FolderKey key = folder_key(5);
  std::vector<Bytes> records;
  op::IpnsRepublish folder;

  explicit History(int publications) {
    folder = op::testing::folder(key, kCidA);
    for (int i = 1; i <= publications; ++i) {
      auto validity = at("2026-12-03T00:00:00Z") + std::chrono::hours(6 * i);
      records.push_back(signed_record(key, std::string("/ipfs/") + kCidA, 10 + i, validity));
      folder.status.published_sequence = 10 + i;
      folder.status.last_record = base64_encode(records.back());
      folder.status.valid_until = validity;
      op::append_publication(folder.status, 1, {"https://signer", "ab", "cd"});
    }
  }
  Result<std::optional<Bytes>> serves(int publication) const {
    return std::optional<Bytes>(records.at(publication - 1));
  }
};

TEST(AuditCheck, TheNewestIsServedAndOlderOnesAreSuperseded) {
  History h(3);
  auto verdicts = check_audit(h.folder, {{"http://a", h.serves(3)}, {"http://b", h.serves(3)}});
  ASSERT_EQ(verdicts.size(), 3u);
  for (const auto& v : verdicts) EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_THAT(verdicts[2].detail, HasSubstr("served by http://a"));
  EXPECT_THAT(verdicts[0].detail, HasSubstr("superseded"));
}

TEST(AuditCheck, NoEndpointServingTheNewestFails) {
  History h(2);
  auto verdicts = check_audit(h.folder, {{"http://a", h.serves(1)},
                                         {"http://b", Result<std::optional<Bytes>>(std::nullopt)}});
  EXPECT_TRUE(verdicts[0].ok);
  EXPECT_FALSE(verdicts[1].ok);
  EXPECT_THAT(verdicts[1].detail, HasSubstr("no endpoint serves"));
}

TEST(AuditCheck, AnotherRecordWithTheSameSequenceFails) {
  History h(2);
  auto twin = signed_record(h.key, std::string("/ipfs/") + kCidB, 12);
  auto verdicts = check_audit(h.folder, {{"http://a", std::optional<Bytes>(twin)}});
  EXPECT_FALSE(verdicts[1].ok);
  EXPECT_THAT(verdicts[1].detail, HasSubstr("another record with sequence 12"));
}

TEST(AuditCheck, ARecordNotSignedByTheNameDoesNotCount) {
  History h(1);
  auto other = folder_key(6);
  auto forged = signed_record(other, std::string("/ipfs/") + kCidA, 99);
  auto verdicts = check_audit(h.folder, {{"http://a", std::optional<Bytes>(forged)}});
  EXPECT_FALSE(verdicts[0].ok) << "a forged higher sequence must not make the entry 'superseded'";
  EXPECT_THAT(verdicts[0].detail, HasSubstr("did not sign"));
}

TEST(AuditCheck, AnEntryThatIsNotStatusLastRecordFails) {
  History h(1);
  h.folder.status.audit[0].record_sha256 = std::string(64, '0');
  auto verdicts = check_audit(h.folder, {{"http://a", h.serves(1)}});
  EXPECT_FALSE(verdicts[0].ok);
}

}  // namespace
}  // namespace cbx::cli
