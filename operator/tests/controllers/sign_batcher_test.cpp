#include "controllers/republish/sign_batcher.h"

#include <atomic>

#include <gtest/gtest.h>

namespace cbx::op {
namespace {

using namespace std::chrono_literals;

struct RecordingSender {
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  std::atomic<int> concurrent{0};
  std::atomic<int> max_concurrent{0};
  bool fail = false;

  Result<std::vector<SignResult>> operator()(const std::string&, std::uint64_t epoch,
                                             const std::vector<SignEntry>& entries) {
    int now = ++concurrent;
    int seen = max_concurrent.load();
    while (now > seen && !max_concurrent.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(5ms);
    {
      std::lock_guard lock(mutex);
      sizes.push_back(entries.size());
    }
    --concurrent;
    if (fail) return make_error("UNAVAILABLE", "signer down");
    std::vector<SignResult> out;
    for (const auto& e : entries) {
      SignResult r;
      r.id = e.id;
      r.ok = true;
      r.sequence = e.sequence + epoch;
      out.push_back(r);
    }
    return out;
  }
};

std::vector<Result<SignResult>> sign_concurrently(SignBatcher& batcher, int count,
                                                  const std::string& signer = "s") {
  std::vector<Result<SignResult>> results(count, make_error("UNSET", ""));
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      SignEntry e;
      e.id = "ns/f" + std::to_string(i);
      e.sequence = static_cast<std::uint64_t>(i);
      results[i] = batcher.sign(signer, 1000, e);
    });
  }
  for (auto& t : threads) t.join();
  return results;
}

TEST(SignBatcherTest, ConcurrentRequestsShareBatchesOfAtMostMaxBatch) {
  RecordingSender sender;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 100ms, 2});
  auto results = sign_concurrently(batcher, 120);
  for (int i = 0; i < 120; ++i) {
    ASSERT_TRUE(results[i]);
    EXPECT_EQ(results[i]->id, "ns/f" + std::to_string(i));
    EXPECT_EQ(results[i]->sequence, static_cast<std::uint64_t>(i) + 1000);
  }
  std::size_t total = 0;
  for (auto s : sender.sizes) {
    EXPECT_LE(s, 50u);
    total += s;
  }
  EXPECT_EQ(total, 120u);
  EXPECT_LE(sender.sizes.size(), 6u);  // batched, not one call per entry
  EXPECT_LE(sender.max_concurrent.load(), 2);
}

TEST(SignBatcherTest, ALoneRequestIsSentAfterTheLinger) {
  RecordingSender sender;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 10ms, 1});
  auto results = sign_concurrently(batcher, 1);
  ASSERT_TRUE(results[0]);
  EXPECT_EQ(sender.sizes, std::vector<std::size_t>{1});
}

TEST(SignBatcherTest, AFailedExchangeFailsEveryEntryOfTheBatch) {
  RecordingSender sender;
  sender.fail = true;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 20ms, 1});
  auto results = sign_concurrently(batcher, 5);
  for (const auto& r : results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "UNAVAILABLE");
  }
}

TEST(SignBatcherTest, DifferentSignersAreNeverMixedInOneBatch) {
  std::mutex mutex;
  std::map<std::string, std::size_t> per_signer;
  SignBatcher batcher(
      [&](const std::string& signer, std::uint64_t, const std::vector<SignEntry>& entries)
          -> Result<std::vector<SignResult>> {
        std::lock_guard lock(mutex);
        per_signer[signer] += entries.size();
        std::vector<SignResult> out;
        for (const auto& e : entries) {
          SignResult r;
          r.id = e.id;
          r.ok = true;
          r.record = signer;
          out.push_back(r);
        }
        return out;
      },
      {50, 20ms, 2});
  std::thread a([&] { sign_concurrently(batcher, 10, "a"); });
  auto b = sign_concurrently(batcher, 10, "b");
  a.join();
  for (const auto& r : b) EXPECT_EQ(r->record, "b");
  EXPECT_EQ(per_signer["a"], 10u);
  EXPECT_EQ(per_signer["b"], 10u);
}

}  // namespace
}  // namespace cbx::op
