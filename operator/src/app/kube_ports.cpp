#include "app/kube_ports.h"

#include "cbx/base/log.h"
#include "kube/resource.h"

namespace cbx::op {

Result<IpnsRepublish> KubeStatusWriter::write_status(const IpnsRepublish& obj,
                                                     const IpnsRepublishStatus& status) {
  auto written = client_.patch_status(kube::resources::kIpnsRepublish, obj.ns, obj.name, obj.resource_version,
                                      status_to_json(status));
  if (!written) return written.error();
  return parse_ipns_republish(*written);
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
