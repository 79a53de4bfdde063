// Issue 10 item 13: per-epoch series disappear with their subject instead of freezing at their
// last value (a frozen validUntil of a migrated epoch fires the README's expiry alert falsely).
#include "app/metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace cbx::op {
namespace {

std::string scrape(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

bool has(const std::string& text, const std::string& series) {
  return text.find(series) != std::string::npos;
}

TEST(OperatorMetricsTest, EpochSeriesGoWhenNoFolderIsOnTheEpochAnymore) {
  prometheus::Registry registry;
  OperatorMetrics metrics(registry);
  OperatorMetrics::FolderCounts before;
  before.entries_per_epoch = {{1, 3}, {2, 1}};
  before.earliest_valid_until_per_epoch = {{1, 1.9e9}, {2, 2.0e9}};
  metrics.set_folder_counts(before);
  auto text = scrape(registry);
  EXPECT_TRUE(has(text, "cipherbox_record_valid_until_earliest_seconds{epoch=\"1\"}"));
  EXPECT_TRUE(has(text, "cipherbox_epoch_entries{epoch=\"1\"} 3"));

  OperatorMetrics::FolderCounts after;  // every folder migrated to epoch 2, epoch 1 retired
  after.entries_per_epoch = {{2, 4}};
  after.earliest_valid_until_per_epoch = {{2, 2.1e9}};
  metrics.set_folder_counts(after);
  text = scrape(registry);
  EXPECT_FALSE(has(text, "cipherbox_record_valid_until_earliest_seconds{epoch=\"1\"}")) << text;
  EXPECT_FALSE(has(text, "cipherbox_epoch_entries{epoch=\"1\"}")) << text;
  EXPECT_TRUE(has(text, "cipherbox_record_valid_until_earliest_seconds{epoch=\"2\"}"));
  EXPECT_TRUE(has(text, "cipherbox_epoch_entries{epoch=\"2\"} 4"));

  metrics.set_folder_counts(before);  // a series can come back
  EXPECT_TRUE(has(scrape(registry), "cipherbox_epoch_entries{epoch=\"1\"} 3"));
}

TEST(OperatorMetricsTest, PhaseSeriesOfDeletedEpochsGo) {
  prometheus::Registry registry;
  OperatorMetrics metrics(registry);
  metrics.set_epoch_phase(1, "Retired");
  metrics.set_epoch_phase(2, "Active");
  metrics.retain_epoch_phases({1, 2});
  auto text = scrape(registry);
  EXPECT_TRUE(has(text, "cipherbox_epoch_phase{epoch=\"1\",phase=\"Retired\"} 1"));
  metrics.retain_epoch_phases({2});
  text = scrape(registry);
  EXPECT_FALSE(has(text, "epoch=\"1\"")) << text;
  EXPECT_TRUE(has(text, "cipherbox_epoch_phase{epoch=\"2\",phase=\"Active\"} 1"));
}

}  // namespace
}  // namespace cbx::op
