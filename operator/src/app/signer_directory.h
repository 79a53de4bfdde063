#pragma once
// The signer pool: the signers the operator talks to, one entry per URL, each with the bearer
// token from the Secret its TeeEpoch names (read by name in the operator's namespace: the chart
// grants no list on Secrets). It hands out the signer API client (epoch controller) and a signer
// handle (republish controller, controllers/republish/signer_port.h); the same spec and token
// give the same handle, a changed spec or token a new one, and a token the signer refused is
// read again on the next request.
#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "api/v1alpha1/tee_epoch.h"
#include "app/client_signer_handle.h"
#include "cbx/base/result.h"
#include "cbx/http/client.h"
#include "clients/signer_client.h"
#include "controllers/republish/signer_port.h"
#include "kube/client.h"

namespace cbx::op {

class SignerDirectory : public SignerPool {
 public:
  // Makes the HTTP transport of a new client (TLS from the spec's CA bundle).
  using TransportFactory =
      std::function<Result<std::unique_ptr<http::HttpTransport>>(const SignerSpec& spec)>;
  SignerDirectory(kube::KubeClient& kube, std::string operator_namespace,
                  TransportFactory transports = nullptr);

  // The client for a TeeEpoch's signer spec. The token Secret is read again after
  // kTokenTtl or after invalidate(), so a rotated or fixed token is picked up without a restart.
  Result<std::shared_ptr<SignerClient>> client_for(const SignerSpec& spec);
  Result<SignerRef> handle_for(const SignerSpec& spec) override;
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
  struct Entry {
    SignerSpec spec;
    std::shared_ptr<SignerClient> client;        // shares ownership of its transport (aliasing)
    std::shared_ptr<ClientSignerHandle> handle;  // over `client`
    std::array<std::uint8_t, 32> token_digest{};
    std::chrono::steady_clock::time_point read_at;
  };
  Result<SecretBytes> read_token(const SignerSpec& spec);
  Result<Entry> current_entry(const SignerSpec& spec);
  std::optional<Entry> fresh_entry(const SignerSpec& spec,
                                   std::chrono::steady_clock::time_point now);
  // The handle's signer refused its token: read it again next time (if still this handle's).
  void invalidate_handle(const SignerHandle* handle);

  kube::KubeClient& kube_;
  std::string namespace_;
  TransportFactory transports_;
  std::mutex mutex_;
  // One refresh at a time: the workers that find an entry missing or expired together wait for
  // the first one's Secret read and client instead of each making their own (64 trust stores
  // loaded at once were the operator's peak memory).
  std::mutex refresh_mutex_;
  std::map<std::string, Entry> by_url_;
};

}  // namespace cbx::op
