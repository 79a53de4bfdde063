#include "kube/work_queue.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "fakes.h"

namespace cbx::kube {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FixedRandom;

struct QueueTest : ::testing::Test {
  FakeClock clock;
  FixedRandom random{0.0};
  WorkQueue queue{clock, random};
};

TEST_F(QueueTest, AddsEachKeyOnceUntilItIsTaken) {
  queue.add("ns/a");
  queue.add("ns/b");
  queue.add("ns/a");
  EXPECT_EQ(queue.depth(), 2u);
  EXPECT_EQ(queue.try_get(), "ns/a");
  EXPECT_EQ(queue.try_get(), "ns/b");
  EXPECT_EQ(queue.try_get(), std::nullopt);
}

TEST_F(QueueTest, AKeyAddedWhileProcessingIsHandedOutAgainOnlyAfterDone) {
  queue.add("ns/a");
  auto key = queue.try_get();
  ASSERT_EQ(key, "ns/a");
  queue.add("ns/a");
  queue.add("ns/a");
  EXPECT_EQ(queue.try_get(), std::nullopt) << "never to two workers at once";
  queue.done("ns/a");
  EXPECT_EQ(queue.try_get(), "ns/a");
  queue.done("ns/a");
  EXPECT_EQ(queue.try_get(), std::nullopt) << "the two adds collapsed into one";
}

TEST_F(QueueTest, DoneWithoutReAddDoesNotRequeue) {
  queue.add("k");
  ASSERT_EQ(queue.try_get(), "k");
  queue.done("k");
  EXPECT_EQ(queue.try_get(), std::nullopt);
}

TEST_F(QueueTest, AddAfterWaitsForTheClock) {
  queue.add_after("k", 30s);
  EXPECT_EQ(queue.try_get(), std::nullopt);
  EXPECT_EQ(queue.delayed(), 1u);
  clock.advance(29s);
  EXPECT_EQ(queue.try_get(), std::nullopt);
  clock.advance(1s);
  EXPECT_EQ(queue.try_get(), "k");
  EXPECT_EQ(queue.delayed(), 0u);
}

TEST_F(QueueTest, OneTimerPerKeyTheLatestWins) {
  queue.add_after("k", 10s);
  queue.add_after("k", 60s);
  EXPECT_EQ(queue.delayed(), 1u);
  clock.advance(10s);
  EXPECT_EQ(queue.try_get(), std::nullopt) << "the earlier timer was replaced";
  clock.advance(50s);
  EXPECT_EQ(queue.try_get(), "k");
}

TEST_F(QueueTest, AddAtAnAbsoluteTime) {
  queue.add_at("k", clock.now() + 5min);
  EXPECT_EQ(queue.next_timer(), clock.now() + 5min);
  clock.advance(5min);
  EXPECT_EQ(queue.try_get(), "k");
}

TEST_F(QueueTest, NonPositiveDelayAddsNowAndCancelsTheTimer) {
  queue.add_after("k", 1h);
  queue.add_after("k", 0s);
  EXPECT_EQ(queue.try_get(), "k");
  queue.done("k");
  clock.advance(2h);
  EXPECT_EQ(queue.try_get(), std::nullopt);
}

TEST_F(QueueTest, TimersFireInTimeOrder) {
  queue.add_after("late", 20s);
  queue.add_after("early", 10s);
  clock.advance(30s);
  EXPECT_EQ(queue.try_get(), "early");
  EXPECT_EQ(queue.try_get(), "late");
}

TEST_F(QueueTest, RateLimitedBacksOffExponentiallyFromFiveSecondsToFiveMinutes) {
  const std::vector<Duration> expected = {5s, 10s, 20s, 40s, 80s, 160s, 300s, 300s};
  for (Duration want : expected) {
    queue.add_rate_limited("k");
    clock.advance(want - 1ms);
    ASSERT_EQ(queue.try_get(), std::nullopt);
    clock.advance(1ms);
    ASSERT_EQ(queue.try_get(), "k");
    queue.done("k");
  }
  EXPECT_EQ(queue.failures("k"), 8);
  queue.forget("k");
  EXPECT_EQ(queue.failures("k"), 0);
  queue.add_rate_limited("k");
  EXPECT_EQ(queue.next_timer(), clock.now() + 5s) << "forget restarts the backoff";
}

TEST(Backoff, JitterShortensTheDelayByUpToTheConfiguredFraction) {
  BackoffPolicy policy;  // 5 s, 5 min, 10 %
  EXPECT_EQ(backoff_delay(policy, 1, 0.0), Duration(5s));
  EXPECT_EQ(backoff_delay(policy, 1, 0.5), std::chrono::duration_cast<Duration>(4.75s));
  EXPECT_EQ(backoff_delay(policy, 100, 1.0), std::chrono::duration_cast<Duration>(270s));
  policy.base = 1s;
  policy.max = 8s;
  policy.jitter = 0;
  EXPECT_EQ(backoff_delay(policy, 3, 0.9), Duration(4s));
  EXPECT_EQ(backoff_delay(policy, 5, 0.9), Duration(8s));
  EXPECT_EQ(backoff_delay(policy, 0, 0.9), Duration(1s));
}

TEST_F(QueueTest, RateLimitedUsesTheInjectedRandomForJitter) {
  FixedRandom half(0.5);
  WorkQueue jittered(clock, half);
  jittered.add_rate_limited("k");
  EXPECT_EQ(jittered.next_timer(), clock.now() + std::chrono::duration_cast<Duration>(4.75s));
}

TEST_F(QueueTest, ShutdownStopsHandingOutKeys) {
  queue.add("k");
  queue.shutdown();
  EXPECT_TRUE(queue.shutting_down());
  EXPECT_EQ(queue.try_get(), std::nullopt);
  EXPECT_EQ(queue.get(), std::nullopt);
  queue.add("other");
  EXPECT_EQ(queue.depth(), 1u) << "adds after shutdown are dropped";
}

TEST(WorkQueueBlocking, GetWakesForAnAddFromAnotherThreadAndForShutdown) {
  FixedRandom random(0);
  WorkQueue queue(system_clock(), random);
  std::thread producer([&] { queue.add("k"); });
  EXPECT_EQ(queue.get(), "k");
  producer.join();
  queue.done("k");
  std::thread closer([&] { queue.shutdown(); });
  EXPECT_EQ(queue.get(), std::nullopt);
  closer.join();
}

TEST(WorkQueueBlocking, GetReturnsADelayedKeyWhenItsTimerFires) {
  FixedRandom random(0);
  WorkQueue queue(system_clock(), random);
  queue.add_after("k", 20ms);
  EXPECT_EQ(queue.get(), "k");
}

// Many idle workers, keys arriving on timers and at once: every key is handed out exactly once,
// and each arrival wakes about one worker, not all of them (64 workers woke per timer before).
TEST(WorkQueueBlocking, ManyWorkersGetEveryKeyOnceAndATimerWakesOneOfThem) {
  FixedRandom random(0);
  WorkQueue queue(system_clock(), random);
  constexpr int kWorkers = 16;
  constexpr int kKeys = 120;
  std::mutex mu;
  std::multiset<std::string> got;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.get()) {
        {
          std::lock_guard lock(mu);
          got.insert(*key);
        }
        queue.done(*key);
      }
    });
  }
  std::this_thread::sleep_for(20ms);  // every worker blocked in get()
  auto wakeups_before = queue.wakeups();
  for (int i = 0; i < kKeys; ++i) {
    auto key = "k" + std::to_string(i);
    if (i % 3 == 0) {
      queue.add(key);
    } else {
      queue.add_after(key, std::chrono::milliseconds(1 + (i * 7) % 40));
    }
  }
  auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (got.size() >= static_cast<std::size_t>(kKeys)) break;
    }
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(1ms);
  }
  std::this_thread::sleep_for(20ms);  // nothing more arrives
  auto wakeups = queue.wakeups() - wakeups_before;
  queue.shutdown();
  for (auto& t : workers) t.join();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) EXPECT_EQ(got.count("k" + std::to_string(i)), 1u) << i;
  EXPECT_LE(wakeups, static_cast<std::size_t>(4 * kKeys)) << "of " << kWorkers << " workers";
}

}  // namespace
}  // namespace cbx::kube
