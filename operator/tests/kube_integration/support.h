#pragma once
// Shared helpers for the integration tests against a real kube-apiserver + etcd started by
// hack/local-cp.sh. Environment (set by CMake on each test): CBX_KUBECONFIG, the admin
// kubeconfig (client certificate) inside the control plane's state directory.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "cbx/http/beast_client.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"

namespace cbx::kube::it {

inline std::string env_or_fail(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    ADD_FAILURE() << name << " is not set";
    return "";
  }
  return v;
}
inline std::string kubeconfig_path() {
  return env_or_fail("CBX_KUBECONFIG");
}
// The control plane's state directory: CBX_CP_STATE_DIR, else the kubeconfig's directory.
inline std::string state_dir() {
  if (const char* dir = std::getenv("CBX_CP_STATE_DIR"); dir != nullptr && *dir != '\0') return dir;
  std::string kubeconfig = kubeconfig_path();
  return kubeconfig.substr(0, kubeconfig.rfind('/'));
}

// Runs a shell command with the control plane's environment (kubectl on PATH, KUBECONFIG).
// Returns stdout; fails the test on a non-zero exit.
inline std::string sh(const std::string& cmd) {
  std::string full =
      "set -e; eval \"$(" CBX_SOURCE_DIR "/hack/local-cp.sh env '" + state_dir() + "')\"; " + cmd;
  std::string out;
  FILE* pipe = popen(("bash -c '" +
                      [&] {
                        std::string escaped;
                        for (char c : full)
                          escaped += c == '\'' ? std::string("'\\''") : std::string(1, c);
                        return escaped;
                      }() +
                      "' 2>&1")
                         .c_str(),
                     "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed";
    return "";
  }
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = pclose(pipe);
  EXPECT_EQ(rc, 0) << cmd << "\n" << out;
  return out;
}

inline std::unique_ptr<KubeClient> client_from(const std::string& kubeconfig,
                                               KubeClientOptions options = {}) {
  auto config = load_kubeconfig_file(kubeconfig);
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
  if (!config) return nullptr;
  auto client = KubeClient::from_config(std::move(config.value()), options);
  EXPECT_TRUE(client.ok()) << (client.ok() ? "" : client.error().message);
  if (!client) return nullptr;
  return std::move(client.value());
}

inline std::unique_ptr<KubeClient> admin_client(KubeClientOptions options = {}) {
  options.qps = 0;  // tests pace themselves
  return client_from(kubeconfig_path(), options);
}

inline std::string unique_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  static const char* kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 6; ++i) s += kAlphabet[rng() % 36];
  return s;
}

// Creates a namespace with a unique name (kube-controller-manager is not running, so it is never
// really deleted; names are unique per run instead).
inline std::string make_namespace(KubeClient& client, const std::string& prefix) {
  std::string name = prefix + "-" + unique_suffix();
  auto created = client.create(
      resources::kNamespace, "",
      json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}});
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
  return name;
}

inline void install_crds() {
  sh("kubectl apply --server-side --force-conflicts -f " CBX_SOURCE_DIR
     "/crds/ >/dev/null && "
     "kubectl wait --for=condition=Established --timeout=60s "
     "crd/ipnsrepublishes.republish.cipherbox.io crd/teeepochs.republish.cipherbox.io "
     "crd/keyledgers.republish.cipherbox.io >/dev/null");
}

inline const char* kIpnsName = "k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj260";
inline const char* kCid = "bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu";

// A valid IpnsRepublish (the ciphertext has the shape, not the content, of a sealed key).
inline json ipns_republish(const std::string& ns, const std::string& name, int key_epoch = 1) {
  std::string fake_ciphertext(172, 'A');  // base64 of 129 zero bytes
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "IpnsRepublish"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec",
           {{"ipnsName", kIpnsName},
            {"cid", kCid},
            {"encryptedKey", fake_ciphertext},
            {"keyEpoch", key_epoch}}}};
}

// Polls pred every 50 ms until it holds or timeout passes.
inline bool eventually(std::chrono::milliseconds timeout, const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

}  // namespace cbx::kube::it
