#include "kube/store.h"

namespace cbx::kube {
namespace {

// Reads metadata.<field> without copying the metadata object.
std::string metadata_field(const json& object, const char* field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto value = meta->find(field);
  if (value == meta->end() || !value->is_string()) return "";
  return value->get<std::string>();
}

}  // namespace

std::string key_of(const json& object) {
  return object_key(metadata_field(object, "namespace"), metadata_field(object, "name"));
}

std::string resource_version_of(const json& object) {
  return metadata_field(object, "resourceVersion");
}

std::vector<Delta> Store::replace(std::vector<json> items) {
  std::vector<Delta> deltas;
  std::unordered_map<std::string, ObjectPtr> next;
  next.reserve(items.size());
  std::lock_guard lock(mutex_);
  for (auto& item : items) {
    std::string key = key_of(item);
    auto shared = std::make_shared<const json>(std::move(item));
    auto old = objects_.find(key);
    if (old == objects_.end()) {
      deltas.push_back({Delta::Type::added, key, nullptr, shared});
    } else if (resource_version_of(*old->second) != resource_version_of(*shared)) {
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

std::optional<Delta> Store::apply(const WatchEvent& event) {
  std::string key = key_of(event.object);
  std::lock_guard lock(mutex_);
  auto old = objects_.find(key);
  if (event.type == "DELETED") {
    if (old == objects_.end()) return std::nullopt;
    Delta delta{Delta::Type::deleted, key, nullptr, std::make_shared<const json>(event.object)};
    objects_.erase(old);
    return delta;
  }
  if (event.type != "ADDED" && event.type != "MODIFIED") return std::nullopt;
  if (old == objects_.end()) {
    auto shared = std::make_shared<const json>(event.object);
    objects_.emplace(key, shared);
    return Delta{Delta::Type::added, key, nullptr, shared};
  }
  if (resource_version_of(*old->second) == resource_version_of(event.object)) return std::nullopt;
  auto shared = std::make_shared<const json>(event.object);
  Delta delta{Delta::Type::updated, key, old->second, shared};
  old->second = shared;
  return delta;
}

std::optional<json> Store::get(const std::string& key) const {
  auto shared = get_shared(key);
  if (!shared) return std::nullopt;
  return *shared;
}

ObjectPtr Store::get_shared(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<json> Store::list() const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(*object);
  return out;
}

void Store::for_each(const std::function<void(const json&)>& fn) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, object] : objects_) fn(*object);
}

std::size_t Store::size() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

}  // namespace cbx::kube
