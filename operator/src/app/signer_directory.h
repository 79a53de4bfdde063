#pragma once
// The signers the operator talks to, by URL, each with the bearer token from the Secret its
// TeeEpoch names (read by name in the operator's namespace: the chart grants no list on
// Secrets). The epoch controller registers them; the sign batcher looks them up.
#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "api/v1alpha1/tee_epoch.h"
#include "cbx/base/result.h"
#include "cbx/http/client.h"
#include "clients/signer_client.h"
#include "kube/client.h"

namespace cbx::op {

class SignerDirectory {
 public:
  SignerDirectory(kube::KubeClient& kube, std::string operator_namespace);

  // The client for a TeeEpoch's signer spec. The token Secret is read again after
  // kTokenTtl or after invalidate(), so a rotated or fixed token is picked up without a restart.
  Result<std::shared_ptr<SignerClient>> client_for(const SignerSpec& spec);
  // Forget the cached token of this URL (the signer refused it).
  void invalidate(const std::string& url);
  static constexpr std::chrono::seconds kTokenTtl{60};
  // The client last registered for this URL (nullptr when none).
  std::shared_ptr<SignerClient> find(const std::string& url);
  // Forgets every signer whose URL is not in `in_use` (its epochs were deleted, retired or moved
  // to another signer): clients in use elsewhere stay alive until their users drop them.
  void retain(const std::set<std::string>& in_use);
  std::size_t size();

 private:
  Result<SecretBytes> read_token(const SignerSpec& spec);

  struct Entry {
    SignerSpec spec;
    std::shared_ptr<SignerClient> client;  // shares ownership of its transport (aliasing)
    std::array<std::uint8_t, 32> token_digest{};
    std::chrono::steady_clock::time_point read_at;
  };
  kube::KubeClient& kube_;
  std::string namespace_;
  std::mutex mutex_;
  std::map<std::string, Entry> by_url_;
};

}  // namespace cbx::op
