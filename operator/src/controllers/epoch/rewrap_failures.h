#pragma once
// Pre-rotation's memory of keys the old signer refused to re-encrypt (per folder, epoch and
// ciphertext: a re-sealed folder is a new attempt), so they are not asked for again and do not
// hold a new epoch back. Entries of folders that are gone, re-sealed or migrated are dropped.
#include <functional>
#include <map>
#include <set>
#include <string>

namespace cbx::op {

class RewrapFailures {
 public:
  void record(const std::string& rewrap_id, const std::string& code) { failed_[rewrap_id] = code; }
  bool contains(const std::string& rewrap_id) const { return failed_.contains(rewrap_id); }
  // Keeps only the ids of folders that still exist with the same key.
  void retain(const std::set<std::string>& live_ids) {
    std::erase_if(failed_, [&](const auto& entry) { return !live_ids.contains(entry.first); });
  }
  // Keeps the ids `live` says still name a folder's current key.
  void retain_if(const std::function<bool(const std::string& rewrap_id)>& live) {
    std::erase_if(failed_, [&](const auto& entry) { return !live(entry.first); });
  }
  std::size_t size() const { return failed_.size(); }

 private:
  std::map<std::string, std::string> failed_;  // rewrap id -> per-entry error code
};

}  // namespace cbx::op
