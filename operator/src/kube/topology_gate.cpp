#include "kube/topology_gate.h"

#include <algorithm>

#include "kube/resource.h"

namespace cbx::kube {

TopologyGate::TopologyGate(std::string base_lease_name, ShardSpec own)
    : base_(std::move(base_lease_name)), own_(own) {}

std::vector<std::string> TopologyGate::blockers(const std::vector<NamedLease>& leases,
                                                SteadyTime now) {
  std::map<std::string, Seen> seen;
  std::vector<std::string> live;
  for (const auto& lease : leases) {
    auto shard = shard_of_lease_name(base_, lease.name);
    if (!shard || shard->count == own_.count) continue;
    auto previous = seen_.find(lease.name);
    Seen entry{lease.record, now};
    if (previous != seen_.end() && previous->second.record.same_as(lease.record)) {
      entry.since = previous->second.since;
    }
    seen[lease.name] = entry;
    if (lease.record.holder.empty()) continue;  // released
    auto held_for = std::chrono::seconds(std::max(lease.record.lease_duration_seconds, 0));
    if (now < entry.since + held_for) live.push_back(lease.name);
  }
  seen_ = std::move(seen);  // Leases that are gone are forgotten
  std::sort(live.begin(), live.end());
  return live;
}

Result<std::vector<std::string>> live_other_topologies(KubeClient& client, const std::string& ns,
                                                       TopologyGate& gate, SteadyTime now) {
  auto page = client.list(resources::kLease, ns);
  if (!page) return page.error();
  std::vector<NamedLease> leases;
  try {
    for (const auto& item : page->items) {
      leases.push_back({item.at("metadata").value("name", ""), lease_from_json(item)});
    }
  } catch (const json::exception& e) {
    return make_error("INVALID", std::string("unreadable Lease in the list: ") + e.what());
  }
  return gate.blockers(leases, now);
}

Duration topology_backoff(Duration retry_period, double uniform) {
  double factor = 1.0 + 2.0 * std::clamp(uniform, 0.0, 1.0);
  return std::chrono::duration_cast<Duration>(retry_period * factor);
}

}  // namespace cbx::kube
