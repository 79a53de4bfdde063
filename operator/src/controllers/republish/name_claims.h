#pragma once
// One name, one folder: which IpnsRepublish (in any namespace) owns each spec.ipnsName. The
// oldest object (creationTimestamp, then uid) owns it; every other one is a duplicate and is
// never signed, so two objects can never reserve and sign their own sequences for one name.
// Kept current from the informer's events (thread-safe); an entry disappears with its object.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"

namespace cbx::op {

struct NameClaim {
  std::string key;  // "namespace/name"
  std::optional<SysTime> created_at;
  std::string uid;
};

// Earlier creationTimestamp first (an object without one last), then the smaller uid.
bool claims_before(const NameClaim& a, const NameClaim& b);

class NameClaims {
 public:
  // Adds or replaces the claim of obj.key() (a re-created object gets its new uid and time).
  void upsert(const IpnsRepublish& obj);
  void remove(const std::string& key);
  // The owner of the name, nullopt when nobody claims it.
  std::optional<NameClaim> owner(const std::string& ipns_name) const;
  // Keys of every object claiming the name, owner first.
  std::vector<std::string> claimants(const std::string& ipns_name) const;
  // The name an object claims ("" when unknown).
  std::string name_of(const std::string& key) const;
  std::size_t names() const;

 private:
  void remove_locked(const std::string& key);

  mutable std::mutex mutex_;
  std::map<std::string, std::vector<NameClaim>> by_name_;  // sorted by claims_before
  std::map<std::string, std::string> name_of_key_;
};

}  // namespace cbx::op
