#include "kube/shard.h"

#include <charconv>

namespace cbx::kube {
namespace {

// Plain decimal digits (no sign, no spaces, no leading '+'), at most 3 of them.
std::optional<std::uint32_t> small_decimal(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::uint32_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

constexpr std::string_view kShardInfix = "-shard-";
constexpr std::string_view kOfInfix = "-of-";

}  // namespace

Result<ShardSpec> parse_shard(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return make_error("INVALID", "--shard takes i/n with 0 <= i < n <= " +
                                     std::to_string(kMaxShards) + " (e.g. 0/2): " + why);
  };
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return bad("no '/'");
  auto index = small_decimal(text.substr(0, slash));
  auto count = small_decimal(text.substr(slash + 1));
  if (!index || !count) return bad("i and n must be decimal numbers");
  if (*count == 0 || *count > kMaxShards) return bad("n out of range");
  if (*index >= *count) return bad("i must be below n");
  return ShardSpec{*index, *count};
}

std::string to_string(const ShardSpec& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;  // unsigned: wraps by definition
  }
  return hash;
}

std::uint32_t shard_of_key(std::string_view key, std::uint32_t count) {
  if (count <= 1) return 0;
  return static_cast<std::uint32_t>(fnv1a64(key) % count);
}

std::string shard_lease_name(const std::string& base, const ShardSpec& shard) {
  if (shard.count <= 1) return base;
  return base + std::string(kShardInfix) + std::to_string(shard.index) + std::string(kOfInfix) +
         std::to_string(shard.count);
}

std::optional<ShardSpec> shard_of_lease_name(const std::string& base, std::string_view name) {
  if (name == base) return ShardSpec{};
  if (name.size() <= base.size() + kShardInfix.size() || name.substr(0, base.size()) != base ||
      name.substr(base.size(), kShardInfix.size()) != kShardInfix) {
    return std::nullopt;
  }
  auto rest = name.substr(base.size() + kShardInfix.size());
  auto of = rest.find(kOfInfix);
  if (of == std::string_view::npos) return std::nullopt;
  auto index = small_decimal(rest.substr(0, of));
  auto count = small_decimal(rest.substr(of + kOfInfix.size()));
  if (!index || !count || *count < 2 || *count > kMaxShards || *index >= *count) {
    return std::nullopt;
  }
  ShardSpec shard{*index, *count};
  // Only the exact spelling we write (no leading zeros): "x-shard-01-of-2" is someone else's.
  if (shard_lease_name(base, shard) != name) return std::nullopt;
  return shard;
}

}  // namespace cbx::kube
