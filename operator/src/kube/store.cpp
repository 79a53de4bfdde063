#include "kube/store.h"

namespace cbx::kube {

std::string key_of(const json& object) {
  const json meta = object.value("metadata", json::object());
  return object_key(meta.value("namespace", ""), meta.value("name", ""));
}

std::string resource_version_of(const json& object) {
  return object.value("metadata", json::object()).value("resourceVersion", "");
}

std::vector<Delta> Store::replace(std::vector<json> items) {
  std::vector<Delta> deltas;
  std::unordered_map<std::string, json> next;
  next.reserve(items.size());
  std::lock_guard lock(mutex_);
  for (auto& item : items) {
    std::string key = key_of(item);
    auto old = objects_.find(key);
    if (old == objects_.end()) {
      deltas.push_back({Delta::Type::added, key, json(), item});
    } else if (resource_version_of(old->second) != resource_version_of(item)) {
      deltas.push_back({Delta::Type::updated, key, old->second, item});
    }
    next.emplace(std::move(key), std::move(item));
  }
  for (auto& [key, object] : objects_) {
    if (!next.contains(key)) deltas.push_back({Delta::Type::deleted, key, object, object});
  }
  objects_ = std::move(next);
  return deltas;
}

std::optional<Delta> Store::apply(const WatchEvent& event) {
  std::string key = key_of(event.object);
  std::lock_guard lock(mutex_);
  auto old = objects_.find(key);
  if (event.type == "DELETED") {
    if (old == objects_.end()) return std::nullopt;
    Delta delta{Delta::Type::deleted, key, old->second, event.object};
    objects_.erase(old);
    return delta;
  }
  if (event.type != "ADDED" && event.type != "MODIFIED") return std::nullopt;
  if (old == objects_.end()) {
    objects_.emplace(key, event.object);
    return Delta{Delta::Type::added, key, json(), event.object};
  }
  if (resource_version_of(old->second) == resource_version_of(event.object)) return std::nullopt;
  Delta delta{Delta::Type::updated, key, old->second, event.object};
  old->second = event.object;
  return delta;
}

std::optional<json> Store::get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<json> Store::list() const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

void Store::for_each(const std::function<void(const json&)>& fn) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, object] : objects_) fn(object);
}

std::size_t Store::size() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

}  // namespace cbx::kube
