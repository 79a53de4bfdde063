#include "app/own_writes.h"

namespace cbx::op {

Result<IpnsRepublish> OwnWrites::write_status(const IpnsRepublish& obj,
                                              const IpnsRepublishStatus& status) {
  auto written = inner_.write_status(obj, status);
  if (written) {
    std::lock_guard lock(mutex_);
    replaced_[obj.key()].insert(obj.resource_version);
  }
  return written;
}

bool OwnWrites::superseded(const std::string& key, const std::string& resource_version) {
  std::lock_guard lock(mutex_);
  auto it = replaced_.find(key);
  if (it == replaced_.end()) return false;
  if (it->second.contains(resource_version)) return true;
  replaced_.erase(it);  // the cache caught up (or someone else wrote since)
  return false;
}

void OwnWrites::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  replaced_.erase(key);
}

std::size_t OwnWrites::keys() const {
  std::lock_guard lock(mutex_);
  return replaced_.size();
}

}  // namespace cbx::op
