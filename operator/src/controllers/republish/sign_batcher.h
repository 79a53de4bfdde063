#pragma once
// Groups sign requests per (signer handle, epoch) into batches of at most max_batch requests,
// sent when full or after a short linger, with at most max_in_flight batches on the wire
// (DESIGN §9). Nobody waits for a batch: each request's completion is called on the sender's
// thread when its batch came back, and must only hand the work on (an executor). A failed or
// unreadable answer (even one that throws) fails the requests of that batch: BAD_RESPONSE when
// the answer breaks the protocol, the sender's error otherwise. Stopping sends what is pending.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controllers/republish/ports.h"
#include "kube/clock.h"

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
                       BatchObserver observer = nullptr,
                       const kube::Clock& clock = kube::system_clock());
  ~SignBatcher() override;
  SignBatcher(const SignBatcher&) = delete;
  SignBatcher& operator=(const SignBatcher&) = delete;

  void sign(const SignerRef& signer, std::uint64_t current_epoch, SignRequest request,
            SignDone done) override;
  // Requests waiting for their batch to be sent (not yet on the wire).
  std::size_t waiting() const;

 private:
  struct Waiter {
    SignRequest request;
    SignDone done;
  };
  struct Batch {
    SignerRef signer;
    std::uint64_t epoch = 0;
    std::vector<Waiter> waiters;
  };
  struct Pending {
    SignerRef signer;  // keeps the handle alive while requests wait for it
    std::vector<Waiter> waiters;
    kube::SteadyTime first_at;
  };
  using GroupKey = std::pair<const SignerHandle*, std::uint64_t>;

  void dispatch_loop();
  void worker_loop();
  void send(Batch& batch);
  Result<std::vector<SignOutcome>> send_guarded(const Batch& batch,
                                                const std::vector<SignRequest>& requests);
  bool take_ready_locked(kube::SteadyTime now, Batch& out, kube::SteadyTime& next_deadline);

  SendBatch send_;
  BatcherOptions options_;
  BatchObserver observer_;
  const kube::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable wake_dispatcher_;
  std::condition_variable wake_workers_;
  std::map<GroupKey, Pending> pending_;
  std::size_t waiting_ = 0;
  std::deque<Batch> ready_;
  bool stopping_ = false;
  std::thread dispatcher_;
  std::vector<std::thread> workers_;
};

}  // namespace cbx::op
