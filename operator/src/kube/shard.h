#pragma once
// Shards (DESIGN §11): `--shard i/n` runs the operator for the folders whose key hashes to i mod n.
// The hash is FNV-1a 64 over the bytes of the folder's cache key "namespace/name" — fixed by
// this file, not std::hash, so every build and every process agrees on a folder's shard.
// Each shard has its own Lease: the configured name for the single-shard topology (so an operator
// without shards and `--shard 0/1` contend for the same Lease), "<name>-shard-<i>-of-<n>" else.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cbx/base/result.h"

namespace cbx::kube {

struct ShardSpec {
  std::uint32_t index = 0;
  std::uint32_t count = 1;  // the topology: how many shards the folders are split into
  bool operator==(const ShardSpec&) const = default;
};

inline constexpr std::uint32_t kMaxShards = 256;

// "i/n" with 0 <= i < n <= kMaxShards, plain decimal digits only (INVALID otherwise).
Result<ShardSpec> parse_shard(std::string_view text);
std::string to_string(const ShardSpec& shard);

std::uint64_t fnv1a64(std::string_view bytes);
std::uint32_t shard_of_key(std::string_view key, std::uint32_t count);
inline bool owns_key(const ShardSpec& shard, std::string_view key) {
  return shard.count <= 1 || shard_of_key(key, shard.count) == shard.index;
}

std::string shard_lease_name(const std::string& base, const ShardSpec& shard);
// The shard a Lease name belongs to, when it is one of `base`'s shard Leases (base itself: 0/1).
std::optional<ShardSpec> shard_of_lease_name(const std::string& base, std::string_view name);

}  // namespace cbx::kube
