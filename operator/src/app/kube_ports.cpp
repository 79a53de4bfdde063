#include "app/kube_ports.h"

#include "api/v1alpha1/status_write.h"
#include "cbx/base/log.h"
#include "kube/resource.h"

namespace cbx::op {

Result<nlohmann::json> patch_folder_status(kube::KubeClient& client, const IpnsRepublish& before,
                                           const IpnsRepublishStatus& after) {
  auto write = status_write(before, after);
  if (!write.json_patch) {
    return client.patch_status(kube::resources::kIpnsRepublish, before.ns, before.name,
                               before.resource_version, write.body);
  }
  return client.patch(kube::resources::kIpnsRepublish, before.ns, before.name,
                      kube::PatchType::json_patch, write.body, "status");
}

Result<IpnsRepublish> KubeStatusWriter::write_status(const IpnsRepublish& obj,
                                                     const IpnsRepublishStatus& status) {
  auto written = patch_folder_status(client_, obj, status);
  if (!written) return written.error();
  // The ring's entries are not kept (the cache holds its sequences only, and so does this copy).
  return parse_ipns_republish(*written, AuditDetail::kSequences);
}

nlohmann::json object_reference(const IpnsRepublish& obj) {
  return {{"apiVersion", kube::resources::kIpnsRepublish.api_version()},
          {"kind", kube::resources::kIpnsRepublish.kind},
          {"metadata",
           {{"namespace", obj.ns}, {"name", obj.name}, {"uid", obj.uid},
            {"resourceVersion", obj.resource_version}}}};
}

void KubeEventSink::emit(const IpnsRepublish& obj, bool warning, const std::string& reason,
                         const std::string& message) {
  auto type = warning ? kube::EventType::warning : kube::EventType::normal;
  auto recorded = recorder_.record(object_reference(obj), type, reason, reason, message);
  if (!recorded) {
    log::warn("event not recorded", {{"key", obj.key()}, {"reason", reason},
                                     {"error", recorded.error().message}});
  }
}

}  // namespace cbx::op
