#pragma once
// Exclusive folder ownership across resharding (DESIGN §11; the argument is in this folder's
// README, "Shards"). A process of topology n (shards 0..n-1) may start reconciling only when it
// holds its own shard Lease AND, in a consistent list of the namespace's Leases read after that
// acquisition, no Lease of another topology n' != n is live: held by someone and seen to change
// within its lease duration on our own clock (a Lease seen for the first time counts as live).
// A process that finds one gives its own Lease back and tries again after a jittered pause, so
// two topologies that raced cannot wait on each other forever; a process that started keeps its
// Lease until it exits.
#include <map>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/clock.h"
#include "kube/lease.h"
#include "kube/shard.h"

namespace cbx::kube {

struct NamedLease {
  std::string name;
  LeaseRecord record;
};

class TopologyGate {
 public:
  TopologyGate(std::string base_lease_name, ShardSpec own);

  // `leases`: every Lease of the namespace, as just listed. Returns the names of the live
  // Leases of other topologies, sorted; empty means this process may start.
  std::vector<std::string> blockers(const std::vector<NamedLease>& leases, SteadyTime now);

 private:
  struct Seen {
    LeaseRecord record;
    SteadyTime since;  // when we first saw this version of the record
  };
  std::string base_;
  ShardSpec own_;
  std::map<std::string, Seen> seen_;
};

// Lists the namespace's Leases (a consistent read: no resourceVersion) and asks the gate. Called
// after our own Lease was acquired; an error means "cannot tell", so the caller does not start.
Result<std::vector<std::string>> live_other_topologies(KubeClient& client, const std::string& ns,
                                                       TopologyGate& gate, SteadyTime now);

// The pause after a topology conflict: between 1 and 3 retry periods (uniform in [0, 1)).
Duration topology_backoff(Duration retry_period, double uniform);

}  // namespace cbx::kube
