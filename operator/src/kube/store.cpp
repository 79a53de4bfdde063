#include "kube/store.h"

namespace cbx::kube {
std::string metadata_field(const json& object, const char* field) {
  auto meta = object.find("metadata");  // end() when object is not an object
  if (meta == object.end() || !meta->is_object()) return "";
  auto value = meta->find(field);
  if (value == meta->end() || !value->is_string()) return "";
  return value->get<std::string>();
}

std::string key_of(const json& object) {
  return object_key(metadata_field(object, "namespace"), metadata_field(object, "name"));
}

std::string resource_version_of(const json& object) {
  return metadata_field(object, "resourceVersion");
}

}  // namespace cbx::kube
