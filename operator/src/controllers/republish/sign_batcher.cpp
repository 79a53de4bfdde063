#include "controllers/republish/sign_batcher.h"

#include <exception>
#include <unordered_map>

#include "cbx/base/log.h"

namespace cbx::op {
namespace {

// A completion must not end the sender's thread (nor leave the other requests unanswered).
void complete(SignDone& done, Result<SignOutcome> outcome) {
  try {
    done(std::move(outcome));
  } catch (const std::exception& e) {
    log::error("sign completion threw", {{"error", std::string(e.what())}});
  } catch (...) {
    log::error("sign completion threw");
  }
}

}  // namespace

SignBatcher::SignBatcher(SendBatch send, BatcherOptions options, BatchObserver observer,
                         const kube::Clock& clock)
    : send_(std::move(send)), options_(options), observer_(std::move(observer)), clock_(clock) {
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

void SignBatcher::sign(const SignerRef& signer, std::uint64_t current_epoch, SignRequest request,
                       SignDone done) {
  if (!signer) {
    complete(done, make_error("UNAVAILABLE", "no signer handle"));
    return;
  }
  bool wake = false;
  {
    std::unique_lock lock(mutex_);
    if (stopping_) {
      lock.unlock();
      complete(done, make_error("SHUTTING_DOWN", "operator is stopping"));
      return;
    }
    auto& group = pending_[{signer.get(), current_epoch}];
    if (group.waiters.empty()) {
      group.first_at = clock_.now();
      group.signer = signer;
    }
    group.waiters.push_back(Waiter{std::move(request), std::move(done)});
    ++waiting_;
    // The dispatcher sleeps until the earliest linger deadline: it must look now only when a
    // batch filled up or a new group started a (possibly earlier) deadline.
    wake = group.waiters.size() == 1 || group.waiters.size() >= options_.max_batch;
  }
  if (wake) wake_dispatcher_.notify_one();
}

std::size_t SignBatcher::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

bool SignBatcher::take_ready_locked(kube::SteadyTime now, Batch& out,
                                    kube::SteadyTime& next_deadline) {
  next_deadline = kube::SteadyTime::max();
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    auto& group = it->second;
    auto deadline = group.first_at + options_.linger;
    if (group.waiters.size() >= options_.max_batch || deadline <= now || stopping_) {
      out.signer = group.signer;
      out.epoch = it->first.second;
      auto take = std::min(group.waiters.size(), options_.max_batch);
      auto end = group.waiters.begin() + static_cast<long>(take);
      out.waiters.assign(std::make_move_iterator(group.waiters.begin()),
                         std::make_move_iterator(end));
      group.waiters.erase(group.waiters.begin(), end);
      waiting_ -= take;
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
    kube::SteadyTime next_deadline;
    if (take_ready_locked(clock_.now(), batch, next_deadline)) {
      ready_.push_back(std::move(batch));
      wake_workers_.notify_one();
      continue;
    }
    if (stopping_ && pending_.empty()) return;
    if (next_deadline == kube::SteadyTime::max()) {
      wake_dispatcher_.wait(lock);
    } else {
      // The clock's remaining time, waited in real time (a test clock moves only when told).
      wake_dispatcher_.wait_for(lock, next_deadline - clock_.now());
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
  for (auto& w : batch.waiters) requests.push_back(w.request);
  if (observer_) observer_(requests.size());
  auto results = send_guarded(batch, requests);
  if (!results) {
    for (auto& w : batch.waiters) complete(w.done, results.error());
    return;
  }
  std::unordered_map<std::string, SignOutcome*> by_id;
  std::unordered_map<std::string, int> count;
  for (auto& r : *results) {
    by_id[r.id] = &r;
    ++count[r.id];
  }
  for (auto& w : batch.waiters) {
    auto it = by_id.find(w.request.id);
    if (it == by_id.end()) {
      complete(w.done, make_error("BAD_RESPONSE", "signer returned no result for this entry"));
    } else if (count[w.request.id] > 1) {
      complete(w.done, make_error("BAD_RESPONSE", "signer returned two results for this entry"));
    } else {
      complete(w.done, *it->second);
    }
  }
}

}  // namespace cbx::op
