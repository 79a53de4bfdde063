#include "app/folder_shard.h"

#include "kube/store.h"

namespace cbx::op {

std::string folder_shard_key(const nlohmann::json& object) {
  auto spec = object.find("spec");
  if (spec != object.end() && spec->is_object()) {
    auto name = spec->find("ipnsName");
    if (name != spec->end() && name->is_string() && !name->get_ref<const std::string&>().empty())
      return name->get<std::string>();
  }
  return kube::key_of(object);
}

}  // namespace cbx::op
