#pragma once
// Which shard a folder belongs to: the hash of its spec.ipnsName (immutable, a CRD rule), not of
// namespace/name, so every object claiming one IPNS name lands in one shard. Two claimants of a
// name in different processes could otherwise overlap when the owner is deleted mid-publish: the
// name lock that serialises the deleted owner's in-flight publish with its successor
// (name_locks.h) is per process. An object without a readable ipnsName falls back to its key.
#include <nlohmann/json.hpp>
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "kube/shard.h"

namespace cbx::op {

std::string folder_shard_key(const nlohmann::json& object);

inline bool owns_folder(const kube::ShardSpec& shard, const nlohmann::json& object) {
  return kube::owns_key(shard, folder_shard_key(object));
}
inline bool owns_folder(const kube::ShardSpec& shard, const IpnsRepublish& folder) {
  return kube::owns_key(shard,
                        folder.spec.ipns_name.empty() ? folder.key() : folder.spec.ipns_name);
}

}  // namespace cbx::op
