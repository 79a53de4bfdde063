#pragma once
// Work queue of object keys, as client-go's: a key is queued at most once (dedupe); a key being
// processed is never handed to a second worker, and if it is added meanwhile it is queued again
// when done() is called. Keys can be delayed ("requeue at T", one timer per key: the latest
// call wins) and backed off per key after failures (exponential with jitter, DESIGN §9).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "kube/clock.h"

namespace cbx::kube {

struct BackoffPolicy {
  Duration base = std::chrono::seconds(5);
  Duration max = std::chrono::minutes(5);
  double jitter = 0.1;  // the delay is shortened by up to this fraction, at random
};

// Delay before retry number `failures` (1 = first failure): base * 2^(failures-1), capped at
// max, minus jitter * random01 of it.
Duration backoff_delay(const BackoffPolicy& policy, int failures, double random01);

class WorkQueue {
 public:
  WorkQueue(const Clock& clock, Random& random, BackoffPolicy policy = {});

  void add(const std::string& key);
  // delay <= 0 adds now. Replaces any timer the key already has.
  void add_after(const std::string& key, Duration delay);
  void add_at(const std::string& key, SteadyTime at);
  // Counts a failure and adds the key after its backoff delay.
  void add_rate_limited(const std::string& key);
  // Clears the key's failure count (after a success).
  void forget(const std::string& key);
  int failures(const std::string& key) const;

  // The next ready key (promoting timers that are due), without blocking.
  std::optional<std::string> try_get();
  // Blocks until a key is ready; nullopt once shut down.
  std::optional<std::string> get();
  // Must follow every key handed out by get/try_get.
  void done(const std::string& key);

  void shutdown();
  bool shutting_down() const;

  std::size_t depth() const;    // keys ready to be handed out
  std::size_t delayed() const;  // keys waiting on a timer
  std::optional<SteadyTime> next_timer() const;
  // Times a worker blocked in get() woke up (work, a timer, or spuriously): idle cost.
  std::size_t wakeups() const;

 private:
  void add_locked(const std::string& key);
  void set_timer_locked(const std::string& key, SteadyTime at);
  void promote_due_locked(SteadyTime now);
  std::optional<std::string> pop_locked();
  void wake_one_locked();

  const Clock& clock_;
  Random& random_;
  BackoffPolicy policy_;
  mutable std::mutex mutex_;
  // One blocked worker at most waits for the earliest timer (timer_cv_); the others wait for work
  // (idle_cv_) untimed, so a timer firing or a requeue wakes one thread, not every worker.
  std::condition_variable idle_cv_;
  std::condition_variable timer_cv_;
  std::size_t idle_waiters_ = 0;
  bool timer_waiter_ = false;
  std::size_t wakeups_ = 0;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;       // queued or to be re-queued after done()
  std::unordered_set<std::string> processing_;  // handed out, done() not yet called
  std::unordered_map<std::string, SteadyTime> timer_of_;
  std::set<std::pair<SteadyTime, std::string>> timers_;
  std::unordered_map<std::string, int> failures_;
  bool shutdown_ = false;
};

}  // namespace cbx::kube
