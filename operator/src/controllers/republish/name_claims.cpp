#include "controllers/republish/name_claims.h"

#include <algorithm>

namespace cbx::op {

bool claims_before(const NameClaim& a, const NameClaim& b) {
  if (a.created_at != b.created_at) {
    if (!a.created_at) return false;
    if (!b.created_at) return true;
    return *a.created_at < *b.created_at;
  }
  if (a.uid != b.uid) return a.uid < b.uid;
  return a.key < b.key;
}

void NameClaims::upsert(const IpnsRepublish& obj) {
  std::lock_guard lock(mutex_);
  remove_locked(obj.key());
  auto& claims = by_name_[obj.spec.ipns_name];
  NameClaim claim{obj.key(), obj.created_at, obj.uid};
  claims.insert(std::upper_bound(claims.begin(), claims.end(), claim, claims_before), claim);
  name_of_key_[obj.key()] = obj.spec.ipns_name;
}

void NameClaims::remove(const std::string& key) {
  std::lock_guard lock(mutex_);
  remove_locked(key);
}

void NameClaims::remove_locked(const std::string& key) {
  auto named = name_of_key_.find(key);
  if (named == name_of_key_.end()) return;
  auto it = by_name_.find(named->second);
  if (it != by_name_.end()) {
    std::erase_if(it->second, [&](const NameClaim& c) { return c.key == key; });
    if (it->second.empty()) by_name_.erase(it);
  }
  name_of_key_.erase(named);
}

std::optional<NameClaim> NameClaims::owner(const std::string& ipns_name) const {
  std::lock_guard lock(mutex_);
  auto it = by_name_.find(ipns_name);
  if (it == by_name_.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

std::vector<std::string> NameClaims::claimants(const std::string& ipns_name) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  auto it = by_name_.find(ipns_name);
  if (it == by_name_.end()) return keys;
  for (const auto& c : it->second) keys.push_back(c.key);
  return keys;
}

std::string NameClaims::name_of(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = name_of_key_.find(key);
  return it == name_of_key_.end() ? std::string{} : it->second;
}

std::size_t NameClaims::names() const {
  std::lock_guard lock(mutex_);
  return by_name_.size();
}

}  // namespace cbx::op
