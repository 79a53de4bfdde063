#include "controllers/republish/sign_batcher.h"

#include <exception>
#include <unordered_map>

namespace cbx::op {

using Clock = std::chrono::steady_clock;

SignBatcher::SignBatcher(SendBatch send, BatcherOptions options, BatchObserver observer)
    : send_(std::move(send)), options_(options), observer_(std::move(observer)) {
  dispatcher_ = std::thread([this] { dispatch_loop(); });
  for (std::size_t i = 0; i < options_.max_in_flight; ++i) {
    workers_.emplace_back([this] { worker_loop(); });
  }
}

SignBatcher::~SignBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_dispatcher_.notify_all();
  wake_workers_.notify_all();
  dispatcher_.join();
  for (auto& w : workers_) w.join();
}

Result<SignOutcome> SignBatcher::sign(const SignerRef& signer, std::uint64_t current_epoch,
                                      const SignRequest& request) {
  if (!signer) return make_error("UNAVAILABLE", "no signer handle");
  Waiter waiter{request, {}};
  auto future = waiter.promise.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return make_error("SHUTTING_DOWN", "operator is stopping");
    auto& group = pending_[{signer.get(), current_epoch}];
    if (group.waiters.empty()) {
      group.first_at = Clock::now();
      group.signer = signer;
    }
    group.waiters.push_back(&waiter);
  }
  wake_dispatcher_.notify_one();
  return future.get();
}

bool SignBatcher::take_ready_locked(Clock::time_point now, Batch& out,
                                    Clock::time_point& next_deadline) {
  next_deadline = Clock::time_point::max();
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    auto& group = it->second;
    auto deadline = group.first_at + options_.linger;
    if (group.waiters.size() >= options_.max_batch || deadline <= now || stopping_) {
      out.signer = group.signer;
      out.epoch = it->first.second;
      auto take = std::min(group.waiters.size(), options_.max_batch);
      out.waiters.assign(group.waiters.begin(), group.waiters.begin() + static_cast<long>(take));
      group.waiters.erase(group.waiters.begin(), group.waiters.begin() + static_cast<long>(take));
      if (group.waiters.empty()) {
        pending_.erase(it);
      } else {
        group.first_at = now;
      }
      return true;
    }
    next_deadline = std::min(next_deadline, deadline);
  }
  return false;
}

void SignBatcher::dispatch_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    Batch batch;
    Clock::time_point next_deadline;
    if (take_ready_locked(Clock::now(), batch, next_deadline)) {
      ready_.push_back(std::move(batch));
      wake_workers_.notify_one();
      continue;
    }
    if (stopping_ && pending_.empty()) return;
    if (next_deadline == Clock::time_point::max()) {
      wake_dispatcher_.wait(lock);
    } else {
      wake_dispatcher_.wait_until(lock, next_deadline);
    }
  }
}

void SignBatcher::worker_loop() {
  while (true) {
    Batch batch;
    {
      std::unique_lock lock(mutex_);
      wake_workers_.wait(lock,
                         [this] { return !ready_.empty() || (stopping_ && pending_.empty()); });
      if (ready_.empty()) return;
      batch = std::move(ready_.front());
      ready_.pop_front();
    }
    send(batch);
  }
}

Result<std::vector<SignOutcome>> SignBatcher::send_guarded(
    const Batch& batch, const std::vector<SignRequest>& requests) {
  // Whatever a signer answers must not end the process: an exception escaping this worker thread
  // would be std::terminate.
  try {
    if (!send_) return batch.signer->sign(batch.epoch, requests);
    return send_(*batch.signer, batch.epoch, requests);
  } catch (const std::exception& e) {
    return make_error("BAD_RESPONSE",
                      std::string("the signer's answer could not be read: ") + e.what());
  } catch (...) {
    return make_error("BAD_RESPONSE", "the signer's answer could not be read");
  }
}

void SignBatcher::send(Batch& batch) {
  std::vector<SignRequest> requests;
  requests.reserve(batch.waiters.size());
  for (auto* w : batch.waiters) requests.push_back(w->request);
  if (observer_) observer_(requests.size());
  auto results = send_guarded(batch, requests);
  if (!results) {
    for (auto* w : batch.waiters) w->promise.set_value(results.error());
    return;
  }
  std::unordered_map<std::string, SignOutcome*> by_id;
  std::unordered_map<std::string, int> count;
  for (auto& r : *results) {
    by_id[r.id] = &r;
    ++count[r.id];
  }
  for (auto* w : batch.waiters) {
    auto it = by_id.find(w->request.id);
    if (it == by_id.end()) {
      w->promise.set_value(make_error("BAD_RESPONSE", "signer returned no result for this entry"));
    } else if (count[w->request.id] > 1) {
      w->promise.set_value(
          make_error("BAD_RESPONSE", "signer returned two results for this entry"));
    } else {
      w->promise.set_value(*it->second);
    }
  }
}

}  // namespace cbx::op
