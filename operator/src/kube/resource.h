#pragma once
// A Kubernetes resource type (group/version/plural) and the REST paths for it.
#include <string>
#include <string_view>

namespace cbx::kube {

struct Resource {
  std::string group;  // "" for the core API
  std::string version;
  std::string plural;
  std::string kind;
  bool namespaced = true;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // /api/v1/namespaces/{ns}/pods or /apis/g/v/plural (ns empty: all namespaces / cluster-scoped)
  std::string collection_path(std::string_view ns) const;
  std::string item_path(std::string_view ns, std::string_view name,
                        std::string_view subresource = "") const;
};

namespace resources {
inline const Resource kIpnsRepublish{"republish.cipherbox.io", "v1alpha1", "ipnsrepublishes",
                                     "IpnsRepublish", true};
inline const Resource kTeeEpoch{"republish.cipherbox.io", "v1alpha1", "teeepochs", "TeeEpoch",
                                false};
// Only in the operator's own namespace (api/v1alpha1/key_ledger.h).
inline const Resource kKeyLedger{"republish.cipherbox.io", "v1alpha1", "keyledgers", "KeyLedger",
                                 true};
inline const Resource kLease{"coordination.k8s.io", "v1", "leases", "Lease", true};
inline const Resource kEvent{"events.k8s.io", "v1", "events", "Event", true};
inline const Resource kSecret{"", "v1", "secrets", "Secret", true};
inline const Resource kConfigMap{"", "v1", "configmaps", "ConfigMap", true};
inline const Resource kNamespace{"", "v1", "namespaces", "Namespace", false};
}  // namespace resources

// "namespace/name", or "name" for cluster-scoped objects (the informer and work-queue key).
std::string object_key(std::string_view ns, std::string_view name);
// Splits a key made by object_key.
std::pair<std::string, std::string> split_key(std::string_view key);

}  // namespace cbx::kube
