#include "controllers/republish/sign_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "signer_handles.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;

struct RecordingSender {
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  std::atomic<int> concurrent{0};
  std::atomic<int> max_concurrent{0};
  bool fail = false;

  Result<std::vector<SignOutcome>> operator()(SignerHandle&, std::uint64_t epoch,
                                              const std::vector<SignRequest>& entries) {
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
    std::vector<SignOutcome> out;
    for (const auto& e : entries) {
      SignOutcome r;
      r.id = e.id;
      r.ok = true;
      r.sequence = e.sequence + epoch;
      out.push_back(r);
    }
    return out;
  }
};

std::vector<Result<SignOutcome>> sign_concurrently(
    SignBatcher& batcher, int count, const SignerRef& signer = testing::signer_named("s")) {
  std::vector<Result<SignOutcome>> results(count, make_error("UNSET", ""));
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      SignRequest e;
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

// Batches are grouped by handle: two handles never share a batch, even for one URL (a changed
// token gives a new handle), and each batch goes to the handle its requests were made for.
TEST(SignBatcherTest, DifferentSignersAreNeverMixedInOneBatch) {
  std::mutex mutex;
  std::map<std::string, std::size_t> per_signer;
  auto answering = [&](const std::string& name) {
    return testing::signer_answering(
        "http://signer",
        [&, name](std::uint64_t,
                  const std::vector<SignRequest>& requests) -> Result<std::vector<SignOutcome>> {
          std::lock_guard lock(mutex);
          per_signer[name] += requests.size();
          std::vector<SignOutcome> out;
          for (const auto& e : requests) {
            SignOutcome r;
            r.id = e.id;
            r.ok = true;
            r.record = name;
            out.push_back(r);
          }
          return out;
        });
  };
  auto signer_a = answering("a");
  auto signer_b = answering("b");
  SignBatcher batcher(nullptr, {50, 20ms, 2});
  std::vector<Result<SignOutcome>> a;
  std::thread thread_a([&] { a = sign_concurrently(batcher, 10, signer_a); });
  auto b = sign_concurrently(batcher, 10, signer_b);
  thread_a.join();
  for (const auto& r : a) EXPECT_EQ(r->record, "a");
  for (const auto& r : b) EXPECT_EQ(r->record, "b");
  EXPECT_EQ(per_signer["a"], 10u);
  EXPECT_EQ(per_signer["b"], 10u);
}

TEST(SignBatcherTest, OneHandleAtTwoEpochsIsTwoBatches) {
  RecordingSender sender;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 20ms, 2});
  auto signer = testing::signer_named("s");
  SignRequest e;
  e.id = "ns/f";
  std::thread at_two([&] { EXPECT_EQ(batcher.sign(signer, 2, e)->sequence, 2u); });
  EXPECT_EQ(batcher.sign(signer, 3, e)->sequence, 3u);
  at_two.join();
  EXPECT_EQ(sender.sizes, (std::vector<std::size_t>{1, 1}));
}

}  // namespace
}  // namespace cbx::op
