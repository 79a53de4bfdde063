#include "cli/status.h"

#include <memory>
#include <ostream>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"
#include "cli/status_table.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/resource.h"

namespace cbx::cli {
namespace {

struct ClusterFlags {
  std::string kubeconfig;
  std::string context;
  std::string ns;
  bool all_namespaces = false;
  std::string name;
};

void add_cluster_flags(CLI::App* command, ClusterFlags& flags) {
  command->add_option("--kubeconfig", flags.kubeconfig,
                      "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)");
  command->add_option("--context", flags.context, "kubeconfig context");
  command->add_option("-n,--namespace", flags.ns, "namespace (default: the context's)");
}

Result<std::unique_ptr<kube::KubeClient>> connect(const ClusterFlags& flags) {
  auto config = kube::load_default_config(flags.kubeconfig, flags.context);
  if (!config) return config.error();
  return kube::KubeClient::from_config(std::move(*config));
}

int status(const ClusterFlags& flags, const Io& io) {
  auto client = connect(flags);
  if (!client) return failure(io, client.error().message);
  std::string ns =
      flags.all_namespaces ? "" : (flags.ns.empty() ? (*client)->default_namespace() : flags.ns);
  std::vector<nlohmann::json> objects;
  if (!flags.name.empty()) {
    auto one = (*client)->get(kube::resources::kIpnsRepublish, ns, flags.name);
    if (!one) return failure(io, one.error().message);
    objects.push_back(std::move(*one));
  } else {
    auto list = (*client)->list(kube::resources::kIpnsRepublish, ns);
    if (!list) return failure(io, list.error().message);
    objects = std::move(list->items);
  }
  std::vector<op::IpnsRepublish> folders;
  for (const auto& o : objects) {
    if (auto f = op::parse_ipns_republish(o)) folders.push_back(std::move(*f));
  }
  auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(io.now());
  print_status_table(folders, flags.all_namespaces, now, io.out);
  if (!flags.name.empty() && folders.size() == 1)
    print_endpoint_details(folders.front(), now, io.out);
  return kExitOk;
}

int republish_now(const ClusterFlags& flags, const Io& io) {
  auto client = connect(flags);
  if (!client) return failure(io, client.error().message);
  std::string ns = flags.ns.empty() ? (*client)->default_namespace() : flags.ns;
  auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(io.now());
  nlohmann::json patch = {
      {"metadata", {{"annotations", {{op::kRepublishRequestedAnnotation, format_rfc3339(now)}}}}}};
  auto patched = (*client)->patch(kube::resources::kIpnsRepublish, ns, flags.name,
                                  kube::PatchType::merge, patch);
  if (!patched) return failure(io, patched.error().message);
  io.out << "ipnsrepublish/" << flags.name << " republish requested at " << format_rfc3339(now)
         << '\n';
  return kExitOk;
}

}  // namespace

void register_status(Cli& cli) {
  auto flags = std::make_shared<ClusterFlags>();
  CLI::App* command = cli.add_command(
      cli.app(), "status",
      "Show folders: CID, sequence, epoch, validity, next run, read-back (Resolvable, validity "
      "served), last error; with NAME, each endpoint's read-back",
      [flags](const Io& io) { return status(*flags, io); });
  add_cluster_flags(command, *flags);
  command->add_flag("-A,--all-namespaces", flags->all_namespaces, "all namespaces");
  command->add_option("name", flags->name, "one IpnsRepublish");
}

void register_republish_now(Cli& cli) {
  auto flags = std::make_shared<ClusterFlags>();
  CLI::App* command =
      cli.add_command(cli.app(), "republish-now",
                      "Make a folder due now (sets republish.cipherbox.io/republish-requested-at)",
                      [flags](const Io& io) { return republish_now(*flags, io); });
  add_cluster_flags(command, *flags);
  command->add_option("name", flags->name, "the IpnsRepublish")->required();
}

}  // namespace cbx::cli
