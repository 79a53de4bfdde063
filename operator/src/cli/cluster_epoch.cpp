#include "cli/cluster_epoch.h"

#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/resource.h"

namespace cbx::cli {

void add_cluster_options(CLI::App* command, ClusterOptions& options) {
  command->add_option("--kubeconfig", options.kubeconfig,
                      "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)");
  command->add_option("--context", options.context, "kubeconfig context");
}

Result<std::unique_ptr<kube::KubeClient>> connect(const ClusterOptions& options) {
  auto config = kube::load_default_config(options.kubeconfig, options.context);
  if (!config) return config.error();
  return kube::KubeClient::from_config(std::move(*config));
}

Result<op::TeeEpoch> read_ready_epoch(const ClusterOptions& options, std::uint64_t epoch) {
  auto client = connect(options);
  if (!client) return client.error();
  auto list = (*client)->list(kube::resources::kTeeEpoch, "");
  if (!list) return list.error();
  for (const auto& item : list->items) {  // epochs are few: one page
    auto e = op::parse_tee_epoch(item);
    if (!e || e->spec.epoch != epoch) continue;
    const std::string where = "TeeEpoch " + e->name + " (epoch " + std::to_string(epoch) + ")";
    if (e->status.public_key.empty() || !op::condition_is_true(e->status.conditions, "Ready")) {
      return make_error("EPOCH_NOT_READY", where + " has no verified public key yet");
    }
    if (e->status.phase == op::phase::kFailed || e->status.phase == op::phase::kRetired) {
      return make_error("EPOCH_NOT_READY", where + " is " + e->status.phase);
    }
    return std::move(*e);
  }
  return make_error("NOT_FOUND", "no TeeEpoch with spec.epoch " + std::to_string(epoch));
}

}  // namespace cbx::cli
