#include "kube/lease.h"

#include "kube/micro_time.h"

namespace cbx::kube {

LeaseRecord lease_from_json(const json& lease) {
  LeaseRecord record;
  const json spec = lease.value("spec", json::object());
  record.holder = spec.value("holderIdentity", "");
  record.lease_duration_seconds = spec.value("leaseDurationSeconds", 0);
  record.transitions = spec.value("leaseTransitions", 0);
  if (spec.contains("acquireTime") && spec["acquireTime"].is_string()) {
    record.acquire_time = parse_micro_time(spec["acquireTime"].get<std::string>());
  }
  if (spec.contains("renewTime") && spec["renewTime"].is_string()) {
    record.renew_time = parse_micro_time(spec["renewTime"].get<std::string>());
  }
  record.resource_version = lease.value("metadata", json::object()).value("resourceVersion", "");
  return record;
}

json lease_to_json(const LeaseRecord& record, const std::string& ns, const std::string& name) {
  json spec = {{"leaseDurationSeconds", record.lease_duration_seconds},
               {"leaseTransitions", record.transitions}};
  if (!record.holder.empty()) spec["holderIdentity"] = record.holder;
  if (record.acquire_time) spec["acquireTime"] = format_micro_time(*record.acquire_time);
  if (record.renew_time) spec["renewTime"] = format_micro_time(*record.renew_time);
  json metadata = {{"name", name}, {"namespace", ns}};
  if (!record.resource_version.empty()) metadata["resourceVersion"] = record.resource_version;
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", metadata},
          {"spec", spec}};
}

Result<std::optional<LeaseRecord>> get_lease(KubeClient& client, const std::string& ns,
                                             const std::string& name) {
  auto lease = client.get(resources::kLease, ns, name);
  if (!lease) {
    if (lease.error().code == "NOT_FOUND") return std::optional<LeaseRecord>();
    return lease.error();
  }
  return std::optional<LeaseRecord>(lease_from_json(*lease));
}

Result<LeaseRecord> create_lease(KubeClient& client, const std::string& ns, const std::string& name,
                                 const LeaseRecord& record) {
  LeaseRecord fresh = record;
  fresh.resource_version.clear();
  auto created = client.create(resources::kLease, ns, lease_to_json(fresh, ns, name));
  if (!created) return created.error();
  return lease_from_json(*created);
}

Result<LeaseRecord> update_lease(KubeClient& client, const std::string& ns, const std::string& name,
                                 const LeaseRecord& record) {
  auto updated = client.update(resources::kLease, ns, name, lease_to_json(record, ns, name));
  if (!updated) return updated.error();
  return lease_from_json(*updated);
}

}  // namespace cbx::kube
