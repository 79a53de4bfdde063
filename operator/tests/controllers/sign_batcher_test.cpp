// The sign batcher: requests grouped per (signer handle, epoch) into batches of at most 50, sent
// when full or after the linger, at most max_in_flight on the wire; completions instead of
// waiting threads. The linger runs on a clock port: a test clock that does not move sends only
// full batches, so batch sizes are exact.
#include "controllers/republish/sign_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "../kube/fakes.h"
#include "signer_handles.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using kube::testing::FakeClock;

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

// Completions of `count` requests, collected from the batcher's threads.
class Outcomes {
 public:
  explicit Outcomes(int count) : results_(count, make_error("UNSET", "")) {}
  SignDone slot(int i) {
    return [this, i](Result<SignOutcome> r) {
      std::lock_guard lock(mutex_);
      results_[i] = std::move(r);
      ++done_;
      cv_.notify_all();
    };
  }
  // Waits (in real time) until `count` completions arrived.
  bool wait_for(int count) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 10s, [&] { return done_ >= count; });
  }
  int done() {
    std::lock_guard lock(mutex_);
    return done_;
  }
  const std::vector<Result<SignOutcome>>& results() const { return results_; }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int done_ = 0;
  std::vector<Result<SignOutcome>> results_;
};

SignRequest request(int i) {
  SignRequest e;
  e.id = "ns/f" + std::to_string(i);
  e.sequence = static_cast<std::uint64_t>(i);
  return e;
}

void sign_all(SignBatcher& batcher, Outcomes& outcomes, int from, int count,
              const SignerRef& signer, std::uint64_t epoch = 1000) {
  for (int i = from; i < from + count; ++i)
    batcher.sign(signer, epoch, request(i), outcomes.slot(i));
}

TEST(SignBatcherTest, RequestsFromOneThreadFillBatchesOfMaxBatch) {
  FakeClock clock;  // never reaches the linger: only full batches go out
  RecordingSender sender;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 50ms, 2}, nullptr, clock);
  Outcomes outcomes(210);
  auto signer = testing::signer_named("s");
  sign_all(batcher, outcomes, 0, 210, signer);
  ASSERT_TRUE(outcomes.wait_for(200));
  {
    std::lock_guard lock(sender.mutex);
    EXPECT_EQ(sender.sizes, std::vector<std::size_t>(4, 50));
  }
  EXPECT_EQ(batcher.waiting(), 10u) << "the rest waits for more requests or the linger";
  EXPECT_EQ(outcomes.done(), 200);
  clock.advance(50ms);
  ASSERT_TRUE(outcomes.wait_for(210));
  EXPECT_EQ(sender.sizes.back(), 10u);
  for (int i = 0; i < 210; ++i) {
    ASSERT_TRUE(outcomes.results()[i]) << i;
    EXPECT_EQ(outcomes.results()[i]->id, "ns/f" + std::to_string(i));
    EXPECT_EQ(outcomes.results()[i]->sequence, static_cast<std::uint64_t>(i) + 1000);
  }
  EXPECT_LE(sender.max_concurrent.load(), 2) << "at most max_in_flight batches on the wire";
}

TEST(SignBatcherTest, ALoneRequestIsSentAfterTheLinger) {
  RecordingSender sender;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 10ms, 1});
  Outcomes outcomes(1);
  sign_all(batcher, outcomes, 0, 1, testing::signer_named("s"));
  ASSERT_TRUE(outcomes.wait_for(1));
  ASSERT_TRUE(outcomes.results()[0]);
  EXPECT_EQ(sender.sizes, std::vector<std::size_t>{1});
}

TEST(SignBatcherTest, AFailedExchangeFailsEveryEntryOfTheBatch) {
  RecordingSender sender;
  sender.fail = true;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 20ms, 1});
  Outcomes outcomes(5);
  sign_all(batcher, outcomes, 0, 5, testing::signer_named("s"));
  ASSERT_TRUE(outcomes.wait_for(5));
  for (const auto& r : outcomes.results()) {
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
  FakeClock clock;
  SignBatcher batcher(nullptr, {50, 20ms, 2}, nullptr, clock);
  Outcomes outcomes(20);
  sign_all(batcher, outcomes, 0, 10, answering("a"));
  sign_all(batcher, outcomes, 10, 10, answering("b"));
  clock.advance(20ms);
  ASSERT_TRUE(outcomes.wait_for(20));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(outcomes.results()[i]->record, i < 10 ? "a" : "b");
  EXPECT_EQ(per_signer["a"], 10u);
  EXPECT_EQ(per_signer["b"], 10u);
}

TEST(SignBatcherTest, OneHandleAtTwoEpochsIsTwoBatches) {
  FakeClock clock;
  RecordingSender sender;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 20ms, 2}, nullptr, clock);
  auto signer = testing::signer_named("s");
  Outcomes outcomes(2);
  batcher.sign(signer, 2, request(0), outcomes.slot(0));
  batcher.sign(signer, 3, request(0), outcomes.slot(1));
  clock.advance(20ms);
  ASSERT_TRUE(outcomes.wait_for(2));
  EXPECT_EQ(outcomes.results()[0]->sequence, 2u);
  EXPECT_EQ(outcomes.results()[1]->sequence, 3u);
  EXPECT_EQ(sender.sizes, (std::vector<std::size_t>{1, 1}));
}

// Stopping sends what waits (nobody is left without an answer); a request after that is
// refused at once.
TEST(SignBatcherTest, StoppingSendsWhatWaitsAndRefusesWhatComesAfter) {
  FakeClock clock;
  RecordingSender sender;
  Outcomes outcomes(7);
  {
    SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {50, 1h, 1}, nullptr, clock);
    sign_all(batcher, outcomes, 0, 7, testing::signer_named("s"));
    EXPECT_EQ(batcher.waiting(), 7u);
  }
  EXPECT_EQ(outcomes.done(), 7);
  for (const auto& r : outcomes.results()) EXPECT_TRUE(r);
  EXPECT_EQ(sender.sizes, std::vector<std::size_t>{7});
}

TEST(SignBatcherTest, ACompletionThatThrowsDoesNotStopTheOthers) {
  RecordingSender sender;
  SignBatcher batcher([&](auto&&... a) { return sender(a...); }, {2, 1ms, 1});
  Outcomes outcomes(2);
  auto signer = testing::signer_named("s");
  batcher.sign(signer, 1, request(0), [](Result<SignOutcome>) { throw std::runtime_error("x"); });
  batcher.sign(signer, 1, request(1), outcomes.slot(1));
  ASSERT_TRUE(outcomes.wait_for(1));
  EXPECT_TRUE(outcomes.results()[1]);
}

}  // namespace
}  // namespace cbx::op
