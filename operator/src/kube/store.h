#pragma once
// The informer's local cache: objects keyed "namespace/name". replace() (after a re-list) and
// apply() (a watch event) return exactly the changes the handlers must see: nothing for an
// object whose resourceVersion did not change, so a re-list after 410 neither misses nor
// repeats work.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "kube/client.h"

namespace cbx::kube {

// Objects are shared, immutable snapshots: the cache, deltas and handlers see the same one, so
// a 100 000-object list is held once, not copied per consumer.
using ObjectPtr = std::shared_ptr<const json>;

struct Delta {
  enum class Type { added, updated, deleted };
  Type type;
  std::string key;
  ObjectPtr old_object;  // updated (the previous state); null otherwise
  ObjectPtr object;      // added, updated (the new state); deleted (the last known state)
};

std::string key_of(const json& object);
std::string resource_version_of(const json& object);

class Store {
 public:
  std::vector<Delta> replace(std::vector<json> items);
  std::optional<Delta> apply(const WatchEvent& event);

  std::optional<json> get(const std::string& key) const;  // a copy
  ObjectPtr get_shared(const std::string& key) const;     // no copy; null when absent
  std::vector<json> list() const;
  void for_each(const std::function<void(const json&)>& fn) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, ObjectPtr> objects_;
};

}  // namespace cbx::kube
