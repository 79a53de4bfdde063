#include "cli/keys_export.h"

#include <memory>
#include <ostream>

#include "cli/cluster_epoch.h"
#include "cli/key_export_plan.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace cbx::cli {
namespace {

struct ExportFlags {
  ClusterOptions cluster;
  std::string ns;
  bool all_namespaces = false;
  std::string format = "yaml";
  std::string ledger_namespace;  // "" : every namespace the user may list
  bool no_ledger = false;
};

bool dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// A user without access to the operator's namespace still gets status-based output.
LedgerCiphertexts read_ledger(kube::KubeClient& client, const ExportFlags& flags, const Io& io,
                              std::vector<std::string>& skipped) {
  if (flags.no_ledger) return {};
  auto list = client.list(kube::resources::kKeyLedger, flags.ledger_namespace);
  if (!list) {
    io.err << "cipherbox-republish: key ledger not read (" << list.error().code
           << "); using status.migratedKey only\n";
    return {};
  }
  return read_ledger_copies(list->items, skipped);
}

int export_keys(const ExportFlags& flags, const Io& io) {
  if (flags.all_namespaces && !flags.ns.empty())
    return usage_error(io, "-n and -A exclude each other");
  if (!flags.ns.empty() && !dns_label(flags.ns))
    return usage_error(io, "namespace \"" + flags.ns + "\" is not a valid namespace name");
  if (!flags.ledger_namespace.empty() && !dns_label(flags.ledger_namespace))
    return usage_error(io, "--ledger-namespace is not a valid namespace name");
  auto client = connect(flags.cluster);
  if (!client) return failure(io, client.error().message);
  std::string ns =
      flags.all_namespaces ? "" : (flags.ns.empty() ? (*client)->default_namespace() : flags.ns);
  auto folders = (*client)->list(kube::resources::kIpnsRepublish, ns);
  if (!folders) return failure(io, "listing IpnsRepublish: " + folders.error().message);
  std::vector<std::string> skipped;
  auto ledger = read_ledger(**client, flags, io, skipped);
  auto plan = plan_key_export(folders->items, ledger);
  skipped.insert(skipped.end(), plan.skipped.begin(), plan.skipped.end());
  if (flags.format == "patch") {
    io.out << render_export_patch(plan);
  } else if (flags.format == "kustomize") {
    io.out << render_export_kustomize(plan);
  } else {
    io.out << render_export_yaml(plan);
  }
  io.out << std::flush;
  for (const auto& s : skipped) io.err << "cipherbox-republish: skipped " << s << '\n';
  io.err << "cipherbox-republish: " << plan.changes.size() << " to commit, " << plan.in_sync
         << " in sync, " << skipped.size() << " skipped\n";
  // An object that could not be read may hold the one key that is stranded: say "no".
  return skipped.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void register_keys(Cli& cli) {
  CLI::App* group = cli.add_group(cli.app(), "keys", "Folder keys (ciphertexts)");
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* command = cli.add_command(
      *group, "export",
      "Print, for every folder whose effective key differs from its spec, the spec change "
      "(keyEpoch + encryptedKey) to commit to git",
      [flags](const Io& io) { return export_keys(*flags, io); });
  add_cluster_options(command, flags->cluster);
  command->add_option("-n,--namespace", flags->ns, "namespace (default: the context's)");
  command->add_flag("-A,--all-namespaces", flags->all_namespaces, "all namespaces");
  command->add_option("--format", flags->format, "yaml (manifests), patch (kubectl), kustomize")
      ->check(CLI::IsMember({"yaml", "patch", "kustomize"}));
  command->add_option("--ledger-namespace", flags->ledger_namespace,
                      "where the KeyLedger objects are (default: every namespace)");
  command->add_flag("--no-ledger", flags->no_ledger, "use status.migratedKey only");
}

}  // namespace cbx::cli
