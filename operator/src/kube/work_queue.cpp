#include "kube/work_queue.h"

#include <algorithm>
#include <cmath>

namespace cbx::kube {

Duration backoff_delay(const BackoffPolicy& policy, int failures, double random01) {
  double factor = std::ldexp(1.0, std::clamp(failures, 1, 62) - 1);
  double max = std::chrono::duration<double>(policy.max).count();
  double delay = std::min(std::chrono::duration<double>(policy.base).count() * factor, max);
  delay *= 1.0 - policy.jitter * std::clamp(random01, 0.0, 1.0);
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(delay));
}

WorkQueue::WorkQueue(const Clock& clock, Random& random, BackoffPolicy policy)
    : clock_(clock), random_(random), policy_(policy) {}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mutex_);
  add_locked(key);
}

void WorkQueue::add_locked(const std::string& key) {
  if (shutdown_ || dirty_.contains(key)) return;
  dirty_.insert(key);
  if (processing_.contains(key)) return;  // done() re-queues it
  queue_.push_back(key);
  wake_one_locked();
}

// A key is ready (or the earliest timer changed): one blocked worker must look.
void WorkQueue::wake_one_locked() {
  if (idle_waiters_ > 0) {
    idle_cv_.notify_one();
  } else if (timer_waiter_) {
    timer_cv_.notify_one();
  }
}

void WorkQueue::add_after(const std::string& key, Duration delay) {
  if (delay <= Duration::zero()) {
    std::lock_guard lock(mutex_);
    if (auto it = timer_of_.find(key); it != timer_of_.end()) {
      timers_.erase({it->second, key});
      timer_of_.erase(it);
    }
    add_locked(key);
    return;
  }
  add_at(key, clock_.now() + delay);
}

void WorkQueue::add_at(const std::string& key, SteadyTime at) {
  std::lock_guard lock(mutex_);
  if (shutdown_) return;
  set_timer_locked(key, at);
  if (timer_waiter_) {
    // It sleeps until the earliest timer: wake it only when this one is now the earliest.
    if (timers_.begin()->second == key) timer_cv_.notify_one();
  } else if (idle_waiters_ > 0) {
    idle_cv_.notify_one();  // nobody watches the timers: one idle worker takes that role
  }
}

void WorkQueue::set_timer_locked(const std::string& key, SteadyTime at) {
  if (auto it = timer_of_.find(key); it != timer_of_.end()) {
    timers_.erase({it->second, key});
    it->second = at;
  } else {
    timer_of_.emplace(key, at);
  }
  timers_.insert({at, key});
}

void WorkQueue::add_rate_limited(const std::string& key) {
  Duration delay;
  {
    std::lock_guard lock(mutex_);
    int n = ++failures_[key];
    delay = backoff_delay(policy_, n, random_.uniform());
  }
  add_after(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int WorkQueue::failures(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::promote_due_locked(SteadyTime now) {
  while (!timers_.empty() && timers_.begin()->first <= now) {
    std::string key = timers_.begin()->second;
    timers_.erase(timers_.begin());
    timer_of_.erase(key);
    add_locked(key);
  }
}

std::optional<std::string> WorkQueue::pop_locked() {
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_.insert(key);
  return key;
}

std::optional<std::string> WorkQueue::try_get() {
  std::lock_guard lock(mutex_);
  if (shutdown_) return std::nullopt;
  promote_due_locked(clock_.now());
  return pop_locked();
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (shutdown_) return std::nullopt;
    promote_due_locked(clock_.now());
    if (auto key = pop_locked()) {
      // This worker may have been the one watching the timers: hand the role on.
      if (!timers_.empty() && !timer_waiter_ && idle_waiters_ > 0) idle_cv_.notify_one();
      return key;
    }
    if (!timers_.empty() && !timer_waiter_) {
      timer_waiter_ = true;
      auto wait = timers_.begin()->first - clock_.now();
      timer_cv_.wait_for(lock, std::max(wait, Duration(std::chrono::milliseconds(1))));
      timer_waiter_ = false;
    } else {
      ++idle_waiters_;
      idle_cv_.wait(lock);
      --idle_waiters_;
    }
    ++wakeups_;
  }
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mutex_);
  processing_.erase(key);
  if (dirty_.contains(key) && !shutdown_) {
    queue_.push_back(key);
    wake_one_locked();
  }
}

void WorkQueue::shutdown() {
  std::lock_guard lock(mutex_);
  shutdown_ = true;
  idle_cv_.notify_all();
  timer_cv_.notify_all();
}

std::size_t WorkQueue::wakeups() const {
  std::lock_guard lock(mutex_);
  return wakeups_;
}

bool WorkQueue::shutting_down() const {
  std::lock_guard lock(mutex_);
  return shutdown_;
}

std::size_t WorkQueue::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WorkQueue::delayed() const {
  std::lock_guard lock(mutex_);
  return timers_.size();
}

std::optional<SteadyTime> WorkQueue::next_timer() const {
  std::lock_guard lock(mutex_);
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first;
}

}  // namespace cbx::kube
