#pragma once
// Groups concurrent sign requests per (signer handle, epoch) into batches of at most max_batch
// entries, sent after a short linger, with at most max_in_flight batches on the wire (DESIGN §9).
// Each reconcile worker blocks in sign() until its entry's batch has come back. A failed or
// unreadable answer (even one that throws) fails the entries of that batch: BAD_RESPONSE when the
// answer breaks the protocol, the sender's error otherwise.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controllers/republish/ports.h"

namespace cbx::op {

struct BatcherOptions {
  std::size_t max_batch = 50;
  std::chrono::milliseconds linger{50};
  std::size_t max_in_flight = 4;
};

class SignBatcher : public RecordSigner {
 public:
  // Sends one batch to a signer; nullptr: the handle's own sign(). Production wraps it with
  // metrics and the `during-sign` crash point.
  using SendBatch = std::function<Result<std::vector<SignOutcome>>(
      SignerHandle& signer, std::uint64_t epoch, const std::vector<SignRequest>& requests)>;
  // Observes batch sizes (metrics).
  using BatchObserver = std::function<void(std::size_t size)>;

  explicit SignBatcher(SendBatch send = nullptr, BatcherOptions options = {},
                       BatchObserver observer = nullptr);
  ~SignBatcher() override;
  SignBatcher(const SignBatcher&) = delete;
  SignBatcher& operator=(const SignBatcher&) = delete;

  Result<SignOutcome> sign(const SignerRef& signer, std::uint64_t current_epoch,
                           const SignRequest& request) override;

 private:
  struct Waiter {
    SignRequest request;
    std::promise<Result<SignOutcome>> promise;
  };
  struct Batch {
    SignerRef signer;
    std::uint64_t epoch = 0;
    std::vector<Waiter*> waiters;
  };
  struct Pending {
    SignerRef signer;  // keeps the handle alive while requests wait for it
    std::vector<Waiter*> waiters;
    std::chrono::steady_clock::time_point first_at;
  };
  using GroupKey = std::pair<const SignerHandle*, std::uint64_t>;

  void dispatch_loop();
  void worker_loop();
  void send(Batch& batch);
  Result<std::vector<SignOutcome>> send_guarded(const Batch& batch,
                                                const std::vector<SignRequest>& requests);
  bool take_ready_locked(std::chrono::steady_clock::time_point now, Batch& out,
                         std::chrono::steady_clock::time_point& next_deadline);

  SendBatch send_;
  BatcherOptions options_;
  BatchObserver observer_;
  std::mutex mutex_;
  std::condition_variable wake_dispatcher_;
  std::condition_variable wake_workers_;
  std::map<GroupKey, Pending> pending_;
  std::deque<Batch> ready_;
  bool stopping_ = false;
  std::thread dispatcher_;
  std::vector<std::thread> workers_;
};

}  // namespace cbx::op
