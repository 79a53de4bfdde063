#pragma once
// coordination.k8s.io/v1 Lease records as leader election reads and writes them.
#include <optional>
#include <string>

#include "kube/client.h"

namespace cbx::kube {

struct LeaseRecord {
  std::string holder;  // empty: released / free
  int lease_duration_seconds = 0;
  std::optional<WallTime> acquire_time;
  std::optional<WallTime> renew_time;
  int transitions = 0;
  std::string resource_version;  // precondition for update

  bool same_as(const LeaseRecord& other) const {
    return holder == other.holder && renew_time == other.renew_time &&
           resource_version == other.resource_version;
  }
};

LeaseRecord lease_from_json(const json& lease);
json lease_to_json(const LeaseRecord& record, const std::string& ns, const std::string& name);

// nullopt when the Lease does not exist.
Result<std::optional<LeaseRecord>> get_lease(KubeClient& client, const std::string& ns,
                                             const std::string& name);
Result<LeaseRecord> create_lease(KubeClient& client, const std::string& ns, const std::string& name,
                                 const LeaseRecord& record);
// CONFLICT when record.resource_version is stale.
Result<LeaseRecord> update_lease(KubeClient& client, const std::string& ns, const std::string& name,
                                 const LeaseRecord& record);

}  // namespace cbx::kube
