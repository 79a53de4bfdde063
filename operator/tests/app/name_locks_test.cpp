#include "app/name_locks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace cbx::op {
namespace {

TEST(NameLocksTest, OneHolderPerNameAndNothingKeptAfterwards) {
  NameLocks locks;
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto guard = locks.lock("k51same");
        int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --inside;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(most.load(), 1);
  EXPECT_EQ(locks.size(), 0u);
}

TEST(NameLocksTest, DifferentNamesDoNotWaitForEachOther) {
  NameLocks locks;
  auto a = locks.lock("k51a");
  std::atomic<bool> got_b{false};
  std::thread other([&] {
    auto b = locks.lock("k51b");
    got_b = true;
  });
  other.join();  // would hang if names shared one lock
  EXPECT_TRUE(got_b);
  EXPECT_EQ(locks.size(), 1u);
}

}  // namespace
}  // namespace cbx::op
