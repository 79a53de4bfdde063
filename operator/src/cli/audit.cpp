#include "cli/audit.h"

#include <iomanip>
#include <memory>

#include "cbx/http/beast_client.h"
#include "cli/audit_check.h"
#include "cli/cluster_epoch.h"
#include "clients/routing_client.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace cbx::cli {
namespace {

struct AuditFlags {
  ClusterOptions cluster;
  std::string ns;
  std::string name;
  std::vector<std::string> routing;  // empty: the endpoints status names
};

std::vector<std::string> endpoints_of(const AuditFlags& flags, const op::IpnsRepublish& folder) {
  if (!flags.routing.empty()) return flags.routing;
  std::vector<std::string> urls;
  for (const auto& e : folder.status.endpoints) urls.push_back(e.url);
  return urls;
}

std::string short_hex(const std::string& hex) {
  return hex.empty() ? "-" : hex.substr(0, 16);
}

void print(const std::vector<AuditVerdict>& verdicts, std::ostream& out) {
  out << std::left << std::setw(10) << "SEQUENCE" << ' ' << std::setw(21) << "PUBLISHED" << ' '
      << std::setw(21) << "VALID UNTIL" << ' ' << std::setw(6) << "EPOCH" << ' ' << std::setw(17)
      << "RECORD SHA-256" << ' ' << std::setw(17) << "QUOTE SHA-256" << ' ' << "CHECK\n";
  for (const auto& v : verdicts) {
    const auto& e = v.entry;
    out << std::left << std::setw(10) << e.sequence << ' ' << std::setw(21)
        << (e.published_at ? format_rfc3339(*e.published_at) : "-") << ' ' << std::setw(21)
        << (e.valid_until ? format_rfc3339(*e.valid_until) : "-") << ' ' << std::setw(6) << e.epoch
        << ' ' << std::setw(17) << short_hex(e.record_sha256) << ' ' << std::setw(17)
        << short_hex(e.quote_sha256) << ' ' << (v.ok ? "ok: " : "FAILED: ") << v.detail
        << (e.signer.empty() ? "" : " [signer " + e.signer + "]") << '\n';
  }
}

int audit(const AuditFlags& flags, const Io& io) {
  auto client = connect(flags.cluster);
  if (!client) return failure(io, client.error().message);
  std::string ns = flags.ns.empty() ? (*client)->default_namespace() : flags.ns;
  auto object = (*client)->get(kube::resources::kIpnsRepublish, ns, flags.name);
  if (!object) return failure(io, object.error().message);
  auto folder = op::parse_ipns_republish(*object);
  if (!folder) return failure(io, folder.error().message);
  if (folder->status.audit.empty())
    return failure(io, "status.audit is empty: nothing published and read back yet");
  auto transport = http::make_beast_client({});
  if (!transport) return failure(io, transport.error().message);
  std::map<std::string, Result<std::optional<Bytes>>> served;
  for (const auto& url : endpoints_of(flags, *folder)) {
    op::RoutingClient routing(**transport, url);
    served.emplace(url, routing.resolve(folder->spec.ipns_name).record);
  }
  auto verdicts = check_audit(*folder, served);
  print(verdicts, io.out);
  bool all_ok = std::all_of(verdicts.begin(), verdicts.end(), [](const auto& v) { return v.ok; });
  return all_ok ? kExitOk : kExitFailed;
}

}  // namespace

void register_audit(Cli& cli) {
  auto flags = std::make_shared<AuditFlags>();
  CLI::App* command = cli.add_command(cli.app(), "audit",
                                      "Print a folder's audit ring (status.audit) and check each "
                                      "entry against the records the routing endpoints serve",
                                      [flags](const Io& io) { return audit(*flags, io); });
  add_cluster_options(command, flags->cluster);
  command->add_option("-n,--namespace", flags->ns, "namespace (default: the context's)");
  command->add_option("--routing", flags->routing,
                      "Delegated Routing V1 base URL to check against (repeatable; default: the "
                      "endpoints in status)");
  command->add_option("name", flags->name, "the IpnsRepublish")->required();
}

}  // namespace cbx::cli
