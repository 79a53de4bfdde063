#include "kube/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cbx/base/encoding.h"

namespace cbx::kube {
namespace {

Error config_error(std::string message) {
  return make_error("KUBECONFIG", std::move(message));
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return config_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).string();
}

std::string scalar(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

// Finds the entry named `name` in a kubeconfig list (clusters, users, contexts) and returns its
// inner map (cluster / user / context).
Result<YAML::Node> named_entry(const YAML::Node& root, const char* list, const char* inner,
                               const std::string& name) {
  const YAML::Node entries = root[list];
  if (entries && entries.IsSequence()) {
    for (const auto& entry : entries) {
      if (scalar(entry, "name") == name) {
        YAML::Node body = entry[inner];
        return body ? body : YAML::Node(YAML::NodeType::Map);
      }
    }
  }
  return config_error(std::string(list) + " has no entry named \"" + name + "\"");
}

Result<std::string> decoded(const std::string& base64, const char* what) {
  auto bytes = base64_decode(base64);
  if (!bytes) return config_error(std::string(what) + " is not valid base64");
  return std::string(bytes->begin(), bytes->end());
}

Status apply_cluster(const YAML::Node& cluster, const std::string& base_dir, KubeConfig& out) {
  out.server = scalar(cluster, "server");
  if (out.server.empty()) return config_error("cluster has no server");
  if (auto data = scalar(cluster, "certificate-authority-data"); !data.empty()) {
    auto pem = decoded(data, "certificate-authority-data");
    if (!pem) return pem.error();
    out.tls.ca_pem = std::move(pem.value());
  }
  out.tls.ca_file = resolve(scalar(cluster, "certificate-authority"), base_dir);
  out.tls.insecure_skip_verify = scalar(cluster, "insecure-skip-tls-verify") == "true";
  out.tls.server_name = scalar(cluster, "tls-server-name");
  return ok_status();
}

Status apply_user(const YAML::Node& user, const std::string& base_dir, KubeConfig& out) {
  if (auto data = scalar(user, "client-certificate-data"); !data.empty()) {
    auto pem = decoded(data, "client-certificate-data");
    if (!pem) return pem.error();
    out.tls.client_cert_pem = std::move(pem.value());
  }
  out.tls.client_cert_file = resolve(scalar(user, "client-certificate"), base_dir);
  if (auto data = scalar(user, "client-key-data"); !data.empty()) {
    auto bytes = base64_decode(data);
    if (!bytes) return config_error("client-key-data is not valid base64");
    out.tls.client_key_pem = SecretBytes(bytes->data(), bytes->size());
    std::fill(bytes->begin(), bytes->end(), 0);
  }
  out.tls.client_key_file = resolve(scalar(user, "client-key"), base_dir);
  out.token = scalar(user, "token");
  out.token_file = resolve(scalar(user, "tokenFile"), base_dir);
  bool has_credentials = !out.token.empty() || !out.token_file.empty() ||
                         !out.tls.client_cert_pem.empty() || !out.tls.client_cert_file.empty();
  if (!has_credentials && (user["exec"] || user["auth-provider"])) {
    return config_error("exec and auth-provider credentials are not supported");
  }
  return ok_status();
}

std::string home_kubeconfig(const EnvLookup& env) {
  auto home = env("HOME");
  return home ? *home + "/.kube/config" : std::string();
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<KubeConfig> parse_kubeconfig(std::string_view yaml, const std::string& base_dir,
                                    const std::string& context) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return config_error(std::string("invalid YAML: ") + e.what());
  }
  if (!root.IsMap()) return config_error("kubeconfig is not a YAML map");
  std::string context_name = context.empty() ? scalar(root, "current-context") : context;
  if (context_name.empty()) return config_error("no current-context");
  auto ctx = named_entry(root, "contexts", "context", context_name);
  if (!ctx) return ctx.error();
  auto cluster = named_entry(root, "clusters", "cluster", scalar(*ctx, "cluster"));
  if (!cluster) return cluster.error();
  KubeConfig out;
  CBX_TRY_STATUS(apply_cluster(*cluster, base_dir, out));
  if (std::string user_name = scalar(*ctx, "user"); !user_name.empty()) {
    auto user = named_entry(root, "users", "user", user_name);
    if (!user) return user.error();
    CBX_TRY_STATUS(apply_user(*user, base_dir, out));
  }
  if (auto ns = scalar(*ctx, "namespace"); !ns.empty()) out.namespace_name = ns;
  return out;
}

Result<KubeConfig> load_kubeconfig_file(const std::string& path, const std::string& context) {
  auto text = read_file(path);
  if (!text) return text.error();
  auto dir = std::filesystem::path(path).parent_path().string();
  auto config = parse_kubeconfig(*text, dir, context);
  if (!config) return config_error(path + ": " + config.error().message);
  return config;
}

Result<KubeConfig> load_in_cluster(const EnvLookup& env, const std::string& sa_dir) {
  auto host = env("KUBERNETES_SERVICE_HOST");
  auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return config_error("not in a cluster: KUBERNETES_SERVICE_HOST/PORT unset");
  }
  KubeConfig out;
  bool ipv6 = host->find(':') != std::string::npos;
  out.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  out.token_file = sa_dir + "/token";
  auto token = read_file(out.token_file);
  if (!token) return token.error();
  auto ca = read_file(sa_dir + "/ca.crt");
  if (!ca) return ca.error();
  out.tls.ca_pem = std::move(ca.value());
  if (auto ns = read_file(sa_dir + "/namespace"); ns && !ns->empty()) {
    out.namespace_name = ns.value();
    while (!out.namespace_name.empty() &&
           std::isspace(static_cast<unsigned char>(out.namespace_name.back()))) {
      out.namespace_name.pop_back();
    }
  }
  out.in_cluster = true;
  return out;
}

Result<KubeConfig> load_default_config(const std::string& explicit_path, const std::string& context,
                                       const EnvLookup& env) {
  if (!explicit_path.empty()) return load_kubeconfig_file(explicit_path, context);
  if (auto list = env("KUBECONFIG"); list && !list->empty()) {
    std::string first = list->substr(0, list->find(':'));
    return load_kubeconfig_file(first, context);
  }
  if (auto host = env("KUBERNETES_SERVICE_HOST"); host && !host->empty()) {
    return load_in_cluster(env);
  }
  return load_kubeconfig_file(home_kubeconfig(env), context);
}

}  // namespace cbx::kube
