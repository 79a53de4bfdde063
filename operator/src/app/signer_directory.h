#pragma once
// The signers the operator talks to, by URL, each with the bearer token from the Secret its
// TeeEpoch names (read by name in the operator's namespace: the chart grants no list on
// Secrets). The epoch controller registers them; the sign batcher looks them up.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cbx/base/result.h"
#include "cbx/http/client.h"
#include "clients/signer_client.h"
#include "controllers/epoch/tee_epoch.h"
#include "kube/client.h"

namespace cbx::op {

class SignerDirectory {
 public:
  SignerDirectory(kube::KubeClient& kube, std::string operator_namespace);

  // The client for a TeeEpoch's signer spec (token Secret read once per spec change).
  Result<std::shared_ptr<SignerClient>> client_for(const SignerSpec& spec);
  // The client last registered for this URL (nullptr when none).
  std::shared_ptr<SignerClient> find(const std::string& url);

 private:
  Result<SecretBytes> read_token(const SignerSpec& spec);

  struct Entry {
    SignerSpec spec;
    std::shared_ptr<SignerClient> client;  // shares ownership of its transport (aliasing)
  };
  kube::KubeClient& kube_;
  std::string namespace_;
  std::mutex mutex_;
  std::map<std::string, Entry> by_url_;
};

}  // namespace cbx::op
