#pragma once
// The informer's local cache: objects keyed "namespace/name". replace() (after a re-list) and
// apply() (a watch event) return exactly the changes the handlers must see: nothing for an
// object whose resourceVersion did not change, so a re-list after 410 neither misses nor
// repeats work.
//
// Object is what one watch event is decoded into once: raw JSON (Store) or a typed, immutable
// object (BasicStore<IpnsRepublish>, the typed cache of issue 13) whose key and resourceVersion
// ObjectTraits reads.
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

// metadata.<field> when it is a string, else "" (whatever shape the object has); no copy made.
std::string metadata_field(const json& object, const char* field);
std::string key_of(const json& object);
std::string resource_version_of(const json& object);

template <class Object>
struct ObjectTraits {
  static std::string key(const Object& object) { return object.key(); }
  static const std::string& resource_version(const Object& object) {
    return object.resource_version;
  }
};

template <>
struct ObjectTraits<json> {
  static std::string key(const json& object) { return key_of(object); }
  static std::string resource_version(const json& object) { return resource_version_of(object); }
};

template <class Object>
struct BasicDelta {
  enum class Type { added, updated, deleted };
  using Ptr = std::shared_ptr<const Object>;
  Type type;
  std::string key;
  Ptr old_object;  // updated (the previous state); null otherwise
  Ptr object;      // added, updated (the new state); deleted (the last known state)
};

// Objects are shared, immutable snapshots: the cache, deltas and handlers see the same one, so
// a 100 000-object list is held once, not copied per consumer.
template <class Object>
class BasicStore {
 public:
  using Ptr = std::shared_ptr<const Object>;
  using Delta = BasicDelta<Object>;
  using Traits = ObjectTraits<Object>;

  std::vector<Delta> replace(std::vector<Object> items) {
    std::vector<Delta> deltas;
    std::unordered_map<std::string, Ptr> next;
    next.reserve(items.size());
    std::lock_guard lock(mutex_);
    for (auto& item : items) {
      std::string key = Traits::key(item);
      auto shared = std::make_shared<const Object>(std::move(item));
      auto old = objects_.find(key);
      if (old == objects_.end()) {
        deltas.push_back({Delta::Type::added, key, nullptr, shared});
      } else if (Traits::resource_version(*old->second) != Traits::resource_version(*shared)) {
        deltas.push_back({Delta::Type::updated, key, old->second, shared});
      } else {
        shared = old->second;  // unchanged: keep the instance handlers already saw
      }
      next.emplace(std::move(key), std::move(shared));
    }
    for (auto& [key, object] : objects_) {
      if (!next.contains(key)) deltas.push_back({Delta::Type::deleted, key, nullptr, object});
    }
    objects_ = std::move(next);
    return deltas;
  }

  // A watch event: ADDED, MODIFIED or DELETED (object: its last state); others are ignored.
  std::optional<Delta> apply(const std::string& type, Object object) {
    std::string key = Traits::key(object);
    std::lock_guard lock(mutex_);
    auto old = objects_.find(key);
    if (type == "DELETED") {
      if (old == objects_.end()) return std::nullopt;
      Delta delta{Delta::Type::deleted, key, nullptr,
                  std::make_shared<const Object>(std::move(object))};
      objects_.erase(old);
      return delta;
    }
    if (type != "ADDED" && type != "MODIFIED") return std::nullopt;
    if (old == objects_.end()) {
      auto shared = std::make_shared<const Object>(std::move(object));
      objects_.emplace(key, shared);
      return Delta{Delta::Type::added, key, nullptr, shared};
    }
    if (Traits::resource_version(*old->second) == Traits::resource_version(object)) {
      return std::nullopt;
    }
    auto shared = std::make_shared<const Object>(std::move(object));
    Delta delta{Delta::Type::updated, key, old->second, shared};
    old->second = shared;
    return delta;
  }
  std::optional<Delta> apply(const WatchEvent& event) { return apply(event.type, event.object); }

  std::optional<Object> get(const std::string& key) const {  // a copy
    auto shared = get_shared(key);
    if (!shared) return std::nullopt;
    return *shared;
  }
  Ptr get_shared(const std::string& key) const {  // no copy; null when absent
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    return it == objects_.end() ? nullptr : it->second;
  }
  std::vector<Object> list() const {  // copies
    std::lock_guard lock(mutex_);
    std::vector<Object> out;
    out.reserve(objects_.size());
    for (const auto& [key, object] : objects_) out.push_back(*object);
    return out;
  }
  std::vector<Ptr> list_shared() const {  // no copies of the objects
    std::lock_guard lock(mutex_);
    std::vector<Ptr> out;
    out.reserve(objects_.size());
    for (const auto& [key, object] : objects_) out.push_back(object);
    return out;
  }
  // Runs fn under the store lock: keep it short (list_shared() for longer work).
  void for_each(const std::function<void(const Object&)>& fn) const {
    std::lock_guard lock(mutex_);
    for (const auto& [key, object] : objects_) fn(*object);
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return objects_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Ptr> objects_;
};

using Store = BasicStore<json>;
using Delta = BasicDelta<json>;
using ObjectPtr = Store::Ptr;

}  // namespace cbx::kube
