#pragma once
// Where the API server is and how to authenticate: from a kubeconfig file (as kubectl reads it)
// or from the in-cluster ServiceAccount mount. Errors carry code "KUBECONFIG".
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cbx/base/result.h"
#include "cbx/http/beast_client.h"

namespace cbx::kube {

struct KubeConfig {
  std::string server;      // https://host:port
  http::TlsOptions tls;    // CA, client certificate/key, insecure-skip-tls-verify, tls-server-name
  std::string token;       // static bearer token (kubeconfig `token`)
  std::string token_file;  // bearer token file, re-read periodically (tokenFile, in-cluster)
  std::string namespace_name = "default";
  bool in_cluster = false;
};

// Parses kubeconfig YAML. Relative file paths resolve against base_dir (the file's directory).
// context: the context to use instead of current-context (empty: current-context).
Result<KubeConfig> parse_kubeconfig(std::string_view yaml, const std::string& base_dir,
                                    const std::string& context = "");
Result<KubeConfig> load_kubeconfig_file(const std::string& path, const std::string& context = "");

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> process_env(const char* name);

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

// KUBERNETES_SERVICE_HOST/PORT plus token, ca.crt and namespace under sa_dir.
Result<KubeConfig> load_in_cluster(const EnvLookup& env = process_env,
                                   const std::string& sa_dir = kServiceAccountDir);

// explicit_path if given; else the first file of KUBECONFIG; else in-cluster when
// KUBERNETES_SERVICE_HOST is set; else ~/.kube/config.
Result<KubeConfig> load_default_config(const std::string& explicit_path = "",
                                       const std::string& context = "",
                                       const EnvLookup& env = process_env);

}  // namespace cbx::kube
