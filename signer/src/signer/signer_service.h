#pragma once
// The signer's HTTP API (DESIGN §5) as a pure function Request -> Response: routing, bearer-token
// auth on /v1, limits, and the sign / rewrap / public-key / info endpoints.
//
//   POST /v1/sign                       {currentEpoch, entries[]} -> {results[]}
//   POST /v1/rewrap                     {entries[], targetEpoch | target{...}} -> {results[]}
//   GET  /v1/epochs/{n}/public-key?nonce=<hex>
//   GET  /v1/info, /healthz, /readyz, /metrics (no auth on the last three)
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

#include "cbx/crypto/ed25519.h"
#include "cbx/http/message.h"
#include "cbx/ipns/validity.h"
#include "signer/epoch_key_cache.h"
#include "signer/metrics.h"
#include "signer/provider_status.h"
#include "signer/sign_entry.h"
#include "signer/target_attestation.h"
#include "signer/verified_record_cache.h"

namespace cbx::signer {

inline constexpr const char* kSignerVersion = "0.1.0";

struct SignerConfig {
  SecretBytes token;  // bearer token (at least 16 bytes)
  std::size_t max_batch = 50;
  std::chrono::seconds max_lifetime{168 * 3600};
  std::optional<ed25519::PublicKey> authority_public_key;
  TargetAttestationPolicy target_policy;  // external rewrap targets (target_attestation.h)
};

class SignerService {
 public:
  using Clock = std::function<ipns::TimePoint()>;

  SignerService(KeyProvider& provider, SignerConfig config, Metrics& metrics, Clock clock = {});

  http::Response handle(const http::Request& req);

  // Waits for the first background check of the provider (dstack Info/Version); true when it
  // worked. /readyz answers 200 while the last check worked, and never waits for one.
  bool warm_up();

 private:
  http::Response route(const http::Request& req, std::string_view& route_label);
  bool authorized(const http::Request& req) const;
  http::Response sign(const http::Request& req);
  http::Response rewrap(const http::Request& req);
  http::Response public_key(const http::Request& req, std::string_view epoch_text);
  http::Response info();
  http::Response ready();
  std::optional<ProviderInfo> provider_info();

  KeyProvider& provider_;
  SignerConfig config_;
  Metrics& metrics_;
  Clock clock_;
  std::array<std::uint8_t, 32> token_digest_{};
  EpochKeyCache keys_;
  VerifiedRecordCache verified_;

  ProviderStatus status_;
};

}  // namespace cbx::signer
