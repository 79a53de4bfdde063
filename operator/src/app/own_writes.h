#pragma once
// Status writes remembered until the cache shows them: the resourceVersions each successful
// write replaced. A folder whose cached version is one of them is read from a cache that lags
// this process's own write (its watch event is still on the way): a cycle started from it would
// only fail its reservation with CONFLICT. The republish controller waits for the event instead.
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "controllers/republish/ports.h"

namespace cbx::op {

class OwnWrites : public StatusWriter {
 public:
  explicit OwnWrites(StatusWriter& inner) : inner_(inner) {}
  Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                     const IpnsRepublishStatus& status) override;
  // True when `resource_version` of `key` was replaced by a write of this process; false (and
  // the key forgotten) once the cache shows a version no write of ours replaced.
  bool superseded(const std::string& key, const std::string& resource_version);
  void forget(const std::string& key);
  std::size_t keys() const;

 private:
  StatusWriter& inner_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::set<std::string>> replaced_;
};

}  // namespace cbx::op
