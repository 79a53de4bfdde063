#include "kube/leader_election.h"

#include "cbx/base/log.h"
#include "kube/topology_gate.h"

namespace cbx::kube {

LeaseDecision decide_lease(const std::optional<LeaseRecord>& current, const std::string& identity,
                           bool observed_expired, Duration lease_duration, WallTime now) {
  LeaseDecision d;
  int seconds =
      static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(lease_duration).count());
  if (!current) {
    d.take = d.create = true;
    d.next.holder = identity;
    d.next.lease_duration_seconds = seconds;
    d.next.acquire_time = d.next.renew_time = now;
    return d;
  }
  bool ours = current->holder == identity;
  bool held_by_other = !current->holder.empty() && !ours;
  if (held_by_other && !observed_expired) return d;
  d.take = true;
  d.next = *current;
  d.next.holder = identity;
  d.next.lease_duration_seconds = seconds;
  d.next.renew_time = now;
  if (!ours) {
    d.next.acquire_time = now;
    d.next.transitions = current->transitions + 1;
  }
  return d;
}

LeaderElector::LeaderElector(KubeClient& client, LeaderElectionConfig config,
                             LeaderCallbacks callbacks, const Clock& clock, Random* random)
    : client_(client),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      owned_random_(random ? nullptr : std::make_unique<SystemRandom>()),
      random_(random ? random : owned_random_.get()) {}

LeaderElector::Campaign LeaderElector::campaign_once() {
  if (!try_acquire_or_renew()) return Campaign::kNotAcquired;
  if (!callbacks_.may_start || callbacks_.may_start()) return Campaign::kLead;
  release();
  return Campaign::kGaveBack;
}

bool LeaderElector::try_acquire_or_renew() {
  auto current = get_lease(client_, config_.namespace_name, config_.name);
  if (!current) {
    log::warn("lease read failed",
              {{"code", current.error().code}, {"error", current.error().message}});
    return false;
  }
  auto now = clock_.now();
  if (current->has_value() && (!observed_ || !observed_->same_as(**current))) {
    observed_ = **current;
    observed_at_ = now;
  }
  Duration held_for = (*current)
                          ? Duration(std::chrono::seconds((*current)->lease_duration_seconds))
                          : Duration::zero();
  bool expired = observed_ && now >= observed_at_ + held_for;
  auto decision =
      decide_lease(*current, config_.identity, expired, config_.lease_duration, clock_.wall_now());
  if (!decision.take) return false;
  auto written = decision.create
                     ? create_lease(client_, config_.namespace_name, config_.name, decision.next)
                     : update_lease(client_, config_.namespace_name, config_.name, decision.next);
  if (!written) {
    if (written.error().code != "CONFLICT" && written.error().code != "ALREADY_EXISTS") {
      log::warn("lease write failed",
                {{"code", written.error().code}, {"error", written.error().message}});
    }
    return false;
  }
  observed_ = written.value();
  observed_at_ = now;
  return true;
}

void LeaderElector::release() {
  if (!observed_ || observed_->holder != config_.identity) return;
  LeaseRecord released = *observed_;
  released.holder.clear();
  released.lease_duration_seconds = 1;
  released.renew_time = clock_.wall_now();
  auto written = update_lease(client_, config_.namespace_name, config_.name, released);
  if (!written) {
    log::warn("lease release failed", {{"code", written.error().code}});
    return;
  }
  observed_ = written.value();
  log::info("released leadership", {{"lease", config_.name}, {"identity", config_.identity}});
}

bool LeaderElector::wait(Duration d) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, d, [this] { return stopped_.load(); });
}

bool LeaderElector::run() {
  while (!stopped_) {
    auto round = campaign_once();
    if (round == Campaign::kLead) break;
    Duration pause = round == Campaign::kGaveBack
                         ? topology_backoff(config_.retry_period, random_->uniform())
                         : config_.retry_period;
    if (!wait(pause)) return false;
  }
  if (stopped_) {
    release();  // stopped between the acquisition and leading: hand the Lease on at once
    return false;
  }
  leading_ = true;
  log::info("became leader", {{"lease", config_.name}, {"identity", config_.identity}});
  if (callbacks_.on_started_leading) callbacks_.on_started_leading();
  auto last_renew = clock_.now();
  bool lost = false;
  while (wait(config_.retry_period)) {
    if (try_acquire_or_renew()) {
      last_renew = clock_.now();
    } else if (clock_.now() - last_renew >= config_.renew_deadline) {
      lost = true;
      break;
    }
  }
  leading_ = false;
  if (lost)
    log::error("lost leadership", {{"lease", config_.name}, {"identity", config_.identity}});
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
  if (!lost) release();
  return lost;
}

void LeaderElector::stop() {
  stopped_ = true;
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

}  // namespace cbx::kube
