#pragma once
// A fixed number of threads running posted tasks in order: the publish stage of the republish
// pipeline (controllers/republish/ports.h Executor). At most `threads` tasks run at once; the
// queue is bounded by what feeds it (the republish controller's in-flight limit). Destruction
// runs what is queued, then joins. A task that throws is logged; its captures are released.
#include <condition_variable>
#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "controllers/republish/ports.h"

namespace cbx::op {

class ThreadPool : public Executor {
 public:
  explicit ThreadPool(std::size_t threads);
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void post(std::function<void()> task) override;
  std::size_t queued() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cbx::op
