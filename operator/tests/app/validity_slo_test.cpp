// The validity SLO (issue 15): gauges from what the read-back found endpoints serving, bounded in
// cardinality, and series that go with their folders and epochs.
#include "app/validity_slo.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "app/metrics.h"
#include "controllers/readback/readback_verdict.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;

const SysTime kNow = *parse_rfc3339("2026-12-01T00:00:00Z");

// A folder whose endpoints were read back: each entry is (result, served validity from now).
IpnsRepublish folder(const std::string& ns, std::uint64_t epoch,
                     std::vector<std::pair<std::string, std::optional<Nanos>>> endpoints) {
  IpnsRepublish obj;
  obj.ns = ns;
  obj.name = "f";
  obj.spec.key_epoch = epoch;
  int i = 0;
  for (const auto& [result, left] : endpoints) {
    auto& e = obj.status.endpoints.emplace_back();
    e.url = "http://r" + std::to_string(i++);
    auto& rb = e.read_back.emplace();
    rb.result = result;
    if (left) rb.verified_valid_until = kNow + *left;
  }
  return obj;
}

TEST(ValiditySlo, TracksTheBestServedRecordPerFolderAndTheWorstFolder) {
  ValiditySloBuilder b(kNow, 24h);
  b.add(folder("a", 1, {{readback::kVerified, 40h}, {readback::kMismatch, 47h}}));
  b.add(folder("a", 1, {{readback::kVerified, 20h}, {readback::kVerified, 30h}}));
  b.add(folder("b", 2,
               {{readback::kMismatch, std::nullopt}, {readback::kUnreachable, std::nullopt}}));
  b.add(folder("c", 2, {}));  // never read back: proves nothing, not counted
  auto slo = b.build();
  ASSERT_TRUE(slo.min_remaining_seconds);
  EXPECT_EQ(*slo.min_remaining_seconds, 0.0) << "a folder served nowhere has no validity left";
  EXPECT_EQ(slo.min_remaining_per_epoch.at(1), 30.0 * 3600) << "best endpoint per folder counts";
  EXPECT_EQ(slo.min_remaining_per_epoch.at(2), 0.0);
  EXPECT_EQ(slo.min_remaining_per_namespace.at("a"), 30.0 * 3600);
  EXPECT_FALSE(slo.min_remaining_per_namespace.contains("c"));
  EXPECT_EQ(slo.below_margin, 1);
  EXPECT_EQ(slo.not_resolvable, 1);
}

TEST(ValiditySlo, AnExpiredServedRecordIsNotResolvable) {
  ValiditySloBuilder b(kNow, 24h);
  b.add(folder("a", 1, {{readback::kVerified, -1h}}));
  auto slo = b.build();
  EXPECT_EQ(slo.not_resolvable, 1);
  EXPECT_EQ(*slo.min_remaining_seconds, 0.0);
}

TEST(ValiditySlo, NamespaceSeriesAreBoundedWithTheRestAsOther) {
  ValiditySloBuilder b(kNow, 24h, 3);
  for (int i = 0; i < 10; ++i) {
    b.add(folder("ns" + std::to_string(i), 1, {{readback::kVerified, std::chrono::hours(30 + i)}}));
  }
  auto slo = b.build();
  ASSERT_EQ(slo.min_remaining_per_namespace.size(), 3u);
  EXPECT_EQ(slo.min_remaining_per_namespace.at("ns0"), 30.0 * 3600);
  EXPECT_EQ(slo.min_remaining_per_namespace.at("ns1"), 31.0 * 3600);
  EXPECT_EQ(slo.min_remaining_per_namespace.at(kOtherNamespaces), 32.0 * 3600);
}

TEST(ValiditySlo, NoFolderReadBackGivesNoMinimum) {
  ValiditySloBuilder b(kNow, 24h);
  EXPECT_FALSE(b.build().min_remaining_seconds);
}

TEST(ValiditySlo, LeadTimeIsThePreviousValidityLeftAtTheNextPublication) {
  IpnsRepublishStatus before, after;
  before.published_sequence = 4;
  before.valid_until = kNow + 42h;
  after = before;
  EXPECT_FALSE(republish_lead_seconds(before, after)) << "no new publication";
  after.published_sequence = 5;
  after.last_published_at = kNow;
  after.valid_until = kNow + 48h;
  EXPECT_EQ(*republish_lead_seconds(before, after), 42.0 * 3600);
  IpnsRepublishStatus first;  // the first publication has no previous record
  EXPECT_FALSE(republish_lead_seconds(first, after));
}

std::string scrape(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(ValiditySloMetrics, SeriesOfRetiredEpochsAndDeletedFoldersDisappear) {
  prometheus::Registry registry;
  OperatorMetrics metrics(registry);
  ValiditySloBuilder b(kNow, 24h);
  b.add(folder("team-a", 1, {{readback::kVerified, 40h}}));
  b.add(folder("team-b", 2, {{readback::kMismatch, std::nullopt}}));
  metrics.set_validity_slo(b.build());
  auto text = scrape(registry);
  EXPECT_NE(text.find("cipherbox_served_validity_min_seconds 0"), std::string::npos) << text;
  EXPECT_NE(text.find("cipherbox_served_validity_min_seconds_by_epoch{epoch=\"1\"} 144000"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cipherbox_served_validity_min_seconds_by_namespace{namespace=\"team-b\"} 0"),
            std::string::npos);
  EXPECT_NE(text.find("cipherbox_folders_validity{state=\"not_resolvable\"} 1"), std::string::npos);
  EXPECT_NE(text.find("cipherbox_folders_validity{state=\"below_margin\"} 1"), std::string::npos);

  ValiditySloBuilder later(kNow, 24h);  // team-b's folder deleted, epoch 1's folder moved to 3
  later.add(folder("team-a", 3, {{readback::kVerified, 40h}}));
  metrics.set_validity_slo(later.build());
  text = scrape(registry);
  EXPECT_EQ(text.find("epoch=\"1\""), std::string::npos) << text;
  EXPECT_EQ(text.find("epoch=\"2\""), std::string::npos) << text;
  EXPECT_EQ(text.find("team-b"), std::string::npos) << text;
  EXPECT_NE(text.find("cipherbox_folders_validity{state=\"not_resolvable\"} 0"), std::string::npos);
  EXPECT_NE(text.find("cipherbox_served_validity_min_seconds 144000"), std::string::npos) << text;

  metrics.set_validity_slo(ValiditySloBuilder(kNow, 24h).build());  // no folder at all
  text = scrape(registry);
  EXPECT_EQ(text.find("cipherbox_served_validity_min_seconds "), std::string::npos) << text;
}

}  // namespace
}  // namespace cbx::op
