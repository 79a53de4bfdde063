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

}  // namespace cbx::kube
