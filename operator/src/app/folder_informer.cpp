#include "app/folder_informer.h"

#include "kube/resource.h"

namespace cbx::op {

CachedFolder decode_cached_folder(const nlohmann::json& object) {
  CachedFolder out;
  static_cast<IpnsRepublish&>(out) = decode_ipns_republish(object, AuditDetail::kSequences);
  out.copies = folder_key_copies(object, !out.invalid_spec);
  out.copies.key.clear();
  out.copies.ipns_name.clear();
  return out;
}

FolderInformer& add_folder_informer(kube::Manager& manager) {
  kube::InformerOptions options;
  options.transform = nullptr;  // managedFields are never decoded: no need to strip them first
  return manager.add_typed_informer<CachedFolder>(
      kube::resources::kIpnsRepublish,
      [](nlohmann::json&& object) { return decode_cached_folder(object); }, options);
}

}  // namespace cbx::op
