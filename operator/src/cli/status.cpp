#include "cli/status.h"

#include <iomanip>
#include <memory>
#include <ostream>

#include "cbx/base/duration.h"
#include "controllers/republish/ipns_republish.h"
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
  command->add_option("--kubeconfig", flags.kubeconfig, "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)");
  command->add_option("--context", flags.context, "kubeconfig context");
  command->add_option("-n,--namespace", flags.ns, "namespace (default: the context's)");
}

Result<std::unique_ptr<kube::KubeClient>> connect(const ClusterFlags& flags) {
  auto config = kube::load_default_config(flags.kubeconfig, flags.context);
  if (!config) return config.error();
  return kube::KubeClient::from_config(std::move(*config));
}

std::string last_error(const op::IpnsRepublish& obj) {
  if (obj.status.failures.count == 0) {
    const auto* ready = op::find_condition(obj.status.conditions, "Ready");
    return ready && ready->status == "False" ? ready->reason + ": " + ready->message : "";
  }
  return obj.status.failures.reason + " (" + std::to_string(obj.status.failures.count) + "x): " +
         obj.status.failures.message;
}

std::string time_or_dash(const std::optional<SysTime>& t) { return t ? format_rfc3339(*t) : "-"; }

void print_table(const std::vector<op::IpnsRepublish>& folders, bool with_namespace, std::ostream& out) {
  auto row = [&](const std::vector<std::string>& cells) {
    static const int widths[] = {16, 22, 62, 10, 6, 21, 21};
    std::size_t first = with_namespace ? 0 : 1;
    for (std::size_t i = first; i < cells.size(); ++i) {
      if (i + 1 == cells.size()) {
        out << cells[i];
      } else {
        out << std::left << std::setw(i < 7 ? widths[i] : 0) << cells[i] << ' ';
      }
    }
    out << '\n';
  };
  row({"NAMESPACE", "NAME", "CID", "SEQUENCE", "EPOCH", "VALID UNTIL", "NEXT", "LAST ERROR"});
  for (const auto& f : folders) {
    row({f.ns, f.name, f.status.published_cid.empty() ? f.spec.cid : f.status.published_cid,
         f.status.published_sequence ? std::to_string(*f.status.published_sequence) : "-",
         std::to_string(op::effective_key(f).epoch), time_or_dash(f.status.valid_until),
         time_or_dash(f.status.next_republish_at), last_error(f)});
  }
}

int status(const ClusterFlags& flags, const Io& io) {
  auto client = connect(flags);
  if (!client) return failure(io, client.error().message);
  std::string ns = flags.all_namespaces ? "" : (flags.ns.empty() ? (*client)->default_namespace() : flags.ns);
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
  print_table(folders, flags.all_namespaces, io.out);
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
  io.out << "ipnsrepublish/" << flags.name << " republish requested at " << format_rfc3339(now) << '\n';
  return kExitOk;
}

}  // namespace

void register_status(Cli& cli) {
  auto flags = std::make_shared<ClusterFlags>();
  CLI::App* command = cli.add_command(cli.app(), "status", "Show folders: CID, sequence, epoch, validity, next run, last error",
                                      [flags](const Io& io) { return status(*flags, io); });
  add_cluster_flags(command, *flags);
  command->add_flag("-A,--all-namespaces", flags->all_namespaces, "all namespaces");
  command->add_option("name", flags->name, "one IpnsRepublish");
}

void register_republish_now(Cli& cli) {
  auto flags = std::make_shared<ClusterFlags>();
  CLI::App* command = cli.add_command(
      cli.app(), "republish-now", "Make a folder due now (sets republish.cipherbox.io/republish-requested-at)",
      [flags](const Io& io) { return republish_now(*flags, io); });
  add_cluster_flags(command, *flags);
  command->add_option("name", flags->name, "the IpnsRepublish")->required();
}

}  // namespace cbx::cli
