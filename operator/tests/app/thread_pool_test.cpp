// The publish stage's executor: bounded concurrency, queued work run before destruction
// returns, a throwing task neither ends its thread nor keeps its captures.
#include "app/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace cbx::op {
namespace {

using namespace std::chrono_literals;

TEST(ThreadPoolTest, RunsAtMostItsThreadsAtOnceAndEverythingBeforeItIsGone) {
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> ran{0};
  {
    ThreadPool pool(3);
    for (int i = 0; i < 30; ++i) {
      pool.post([&] {
        int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(2ms);
        --running;
        ++ran;
      });
    }
  }
  EXPECT_EQ(ran.load(), 30);
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
}

TEST(ThreadPoolTest, AThrowingTaskReleasesItsCapturesAndTheNextTaskRuns) {
  auto held = std::make_shared<int>(1);
  std::weak_ptr<int> watch = held;
  std::atomic<bool> next{false};
  {
    ThreadPool pool(1);
    pool.post([held = std::move(held)] { throw std::runtime_error("boom"); });
    pool.post([&] { next = true; });
  }
  EXPECT_TRUE(next.load());
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace cbx::op
