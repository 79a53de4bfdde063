#include "kube/kubeconfig.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "cbx/base/encoding.h"

namespace cbx::kube {
namespace {

std::string b64(std::string_view s) {
  return base64_encode(as_bytes(s));
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/cbx-kubeconfig-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string two_contexts_yaml() {
  return "apiVersion: v1\nkind: Config\ncurrent-context: admin\n"
         "clusters:\n"
         "- name: local\n  cluster:\n    server: https://127.0.0.1:6443\n"
         "    certificate-authority-data: " +
         b64("CA PEM") +
         "\n"
         "- name: other\n  cluster:\n    server: https://10.1.2.3:443/\n"
         "    certificate-authority: pki/ca.crt\n    tls-server-name: kubernetes\n"
         "- name: lab\n  cluster:\n    server: https://lab:6443\n    insecure-skip-tls-verify: "
         "true\n"
         "users:\n"
         "- name: admin\n  user:\n    client-certificate-data: " +
         b64("CERT PEM") +
         "\n"
         "    client-key-data: " +
         b64("KEY PEM") +
         "\n"
         "- name: files\n  user:\n    client-certificate: certs/c.crt\n    client-key: /abs/c.key\n"
         "- name: sa\n  user:\n    token: abc.def\n"
         "- name: sa-file\n  user:\n    tokenFile: token\n"
         "- name: plugin\n  user:\n    exec:\n      command: aws\n"
         "contexts:\n"
         "- name: admin\n  context:\n    cluster: local\n    user: admin\n"
         "- name: files\n  context:\n    cluster: other\n    user: files\n    namespace: ops\n"
         "- name: sa\n  context:\n    cluster: lab\n    user: sa\n    namespace: op-system\n"
         "- name: sa-file\n  context:\n    cluster: local\n    user: sa-file\n"
         "- name: plugin\n  context:\n    cluster: local\n    user: plugin\n"
         "- name: dangling\n  context:\n    cluster: nowhere\n    user: sa\n";
}

TEST(ParseKubeconfig, CurrentContextWithEmbeddedCertificateData) {
  auto config = parse_kubeconfig(two_contexts_yaml(), "/etc/kube");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://127.0.0.1:6443");
  EXPECT_EQ(config->tls.ca_pem, "CA PEM");
  EXPECT_EQ(config->tls.client_cert_pem, "CERT PEM");
  EXPECT_EQ(to_string(config->tls.client_key_pem.span()), "KEY PEM");
  EXPECT_TRUE(config->token.empty());
  EXPECT_EQ(config->namespace_name, "default");
  EXPECT_FALSE(config->tls.insecure_skip_verify);
}

TEST(ParseKubeconfig, FilePathsResolveAgainstTheKubeconfigDirectory) {
  auto config = parse_kubeconfig(two_contexts_yaml(), "/etc/kube", "files");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://10.1.2.3:443/");
  EXPECT_EQ(config->tls.ca_file, "/etc/kube/pki/ca.crt");
  EXPECT_EQ(config->tls.client_cert_file, "/etc/kube/certs/c.crt");
  EXPECT_EQ(config->tls.client_key_file, "/abs/c.key");
  EXPECT_EQ(config->tls.server_name, "kubernetes");
  EXPECT_EQ(config->namespace_name, "ops");
}

TEST(ParseKubeconfig, TokenAndInsecureSkipVerify) {
  auto config = parse_kubeconfig(two_contexts_yaml(), "/etc/kube", "sa");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->token, "abc.def");
  EXPECT_TRUE(config->tls.insecure_skip_verify);
  EXPECT_EQ(config->namespace_name, "op-system");
}

TEST(ParseKubeconfig, TokenFile) {
  auto config = parse_kubeconfig(two_contexts_yaml(), "/etc/kube", "sa-file");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->token_file, "/etc/kube/token");
}

TEST(ParseKubeconfig, RejectsWhatItCannotUse) {
  auto plugin = parse_kubeconfig(two_contexts_yaml(), "", "plugin");
  ASSERT_FALSE(plugin.ok());
  EXPECT_EQ(plugin.error().code, "KUBECONFIG");
  EXPECT_FALSE(parse_kubeconfig(two_contexts_yaml(), "", "dangling").ok());
  EXPECT_FALSE(parse_kubeconfig(two_contexts_yaml(), "", "missing").ok());
  EXPECT_FALSE(parse_kubeconfig("clusters: [", "").ok());
  EXPECT_FALSE(parse_kubeconfig("- a\n- b\n", "").ok());
  EXPECT_FALSE(parse_kubeconfig("apiVersion: v1\n", "").ok());  // no current-context
  std::string bad_b64 = two_contexts_yaml();
  bad_b64.replace(bad_b64.find(b64("CA PEM")), b64("CA PEM").size(), "not*base64!");
  auto bad = parse_kubeconfig(bad_b64, "");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("certificate-authority-data"), std::string::npos);
}

TEST(LoadKubeconfig, ReadsTheFirstFileOfKubeconfigEnv) {
  TempDir dir;
  std::string first = dir.write("first.yaml", two_contexts_yaml());
  std::map<std::string, std::string> env{{"KUBECONFIG", first + ":/nonexistent"}};
  auto lookup = [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto config = load_default_config("", "files", lookup);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->tls.ca_file, dir.path() + "/pki/ca.crt");
  auto missing = load_default_config(dir.path() + "/none.yaml", "", lookup);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "KUBECONFIG");
}

TEST(LoadInCluster, UsesServiceEnvAndTheServiceAccountMount) {
  TempDir dir;
  dir.write("token", "sa-token\n");
  dir.write("ca.crt", "CLUSTER CA");
  dir.write("namespace", "op-system\n");
  std::map<std::string, std::string> env{{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                         {"KUBERNETES_SERVICE_PORT", "443"}};
  auto lookup = [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto config = load_in_cluster(lookup, dir.path());
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->tls.ca_pem, "CLUSTER CA");
  EXPECT_EQ(config->token_file, dir.path() + "/token");
  EXPECT_EQ(config->namespace_name, "op-system");
  EXPECT_TRUE(config->in_cluster);

  env["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  auto v6 = load_in_cluster(lookup, dir.path());
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->server, "https://[fd00::1]:443");

  env.erase("KUBERNETES_SERVICE_HOST");
  EXPECT_FALSE(load_in_cluster(lookup, dir.path()).ok());
}

}  // namespace
}  // namespace cbx::kube
