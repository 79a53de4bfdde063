#pragma once
// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection: acquire when
// the Lease is free or its holder has not renewed within leaseDuration (measured on our own
// clock from when we last saw the record change, so clock skew does not matter), renew every
// retryPeriod, give up leading when renewals fail for renewDeadline, and release the Lease on
// graceful shutdown (holderIdentity cleared) so a successor takes over at once.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kube/client.h"
#include "kube/lease.h"

namespace cbx::kube {

struct LeaderElectionConfig {
  std::string namespace_name;
  std::string name = "cipherbox-republish";
  std::string identity;  // unique per process (pod name + random suffix)
  Duration lease_duration = std::chrono::seconds(15);
  Duration renew_deadline = std::chrono::seconds(10);
  Duration retry_period = std::chrono::seconds(2);
};

struct LeaderCallbacks {
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;  // renewals failed, or stop() after leading
  // Asked after each acquisition, before leading (the shard topology gate): false gives the
  // Lease back and campaigns again after a jittered pause. Empty: always lead.
  std::function<bool()> may_start;
};

// What one acquire-or-renew round decides, given the current record (pure, unit-tested).
struct LeaseDecision {
  bool take = false;  // write `next` (update, or create when `create`)
  bool create = false;
  LeaseRecord next;
};
LeaseDecision decide_lease(const std::optional<LeaseRecord>& current, const std::string& identity,
                           bool observed_expired, Duration lease_duration, WallTime now);

class LeaderElector {
 public:
  LeaderElector(KubeClient& client, LeaderElectionConfig config, LeaderCallbacks callbacks,
                const Clock& clock = system_clock(), Random* random = nullptr);

  // Campaigns and leads until stop() or until leadership is lost. Returns true when it was
  // leading and lost the Lease (not on stop()).
  bool run();
  void stop();
  bool is_leader() const { return leading_; }

  // One acquire-or-renew round; true when we hold the Lease afterwards.
  bool try_acquire_or_renew();
  enum class Campaign { kLead, kNotAcquired, kGaveBack };
  // One campaign round: acquire the Lease, then ask may_start; a refusal releases the Lease.
  Campaign campaign_once();
  // Clears holderIdentity if we hold the Lease.
  void release();

 private:
  bool wait(Duration d);  // false when stopped meanwhile

  KubeClient& client_;
  LeaderElectionConfig config_;
  LeaderCallbacks callbacks_;
  const Clock& clock_;
  std::unique_ptr<Random> owned_random_;
  Random* random_;
  std::optional<LeaseRecord> observed_;
  SteadyTime observed_at_{};
  std::atomic<bool> leading_{false};
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace cbx::kube
