// The signer's request handler (SignerService::handle) on arbitrary input, with the simulator
// provider (seed of fuzz/seeds/signer_request_fuzz/, so the seeds' keys decrypt and sign).
// Input: first byte picks the endpoint (sign, rewrap, public key with the rest as query, info),
// the rest is the body. Must never crash, never answer 500 (an exception escaped a parser), and
// always answer JSON of the documented shapes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/base/log.h"
#include "signer/signer_service.h"
#include "signer/simulator_key_provider.h"

namespace {

constexpr const char* kToken = "fuzz-token-0123456789";
constexpr const char* kSeedHex = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";

cbx::signer::SignerService& service() {
  static auto provider = [] {
    auto seed = cbx::hex_decode(kSeedHex).value();
    return cbx::signer::SimulatorKeyProvider::create(cbx::SecretBytes(seed.data(), seed.size()))
        .value();
  }();
  static cbx::signer::NullMetrics metrics;
  static cbx::signer::SignerService svc = [] {
    cbx::log::set_sink([](const std::string&) {});
    cbx::signer::SignerConfig config;
    config.token =
        cbx::SecretBytes(reinterpret_cast<const std::uint8_t*>(kToken), std::strlen(kToken));
    config.authority_public_key = cbx::ed25519::PublicKey{};
    return cbx::signer::SignerService(*provider, std::move(config), metrics);
  }();
  return svc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  cbx::http::Request req;
  req.headers = {{"Authorization", std::string("Bearer ") + kToken}};
  switch (data[0] % 4) {
    case 0:
      req = {"POST", "/v1/sign", req.headers, rest};
      break;
    case 1:
      req = {"POST", "/v1/rewrap", req.headers, rest};
      break;
    case 2:
      req = {"GET", "/v1/epochs/" + rest.substr(0, 64) + "/public-key?nonce=" + rest, req.headers,
             ""};
      break;
    default:
      req = {"GET", "/v1/info", req.headers, rest};
      break;
  }
  auto res = service().handle(req);
  if (res.status == 500 || res.status < 200 || res.status > 599) std::abort();
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) std::abort();
  if (res.status != 200 && !(body.contains("error") && body["error"].contains("code")))
    std::abort();
  if (res.status == 200 && req.path() != "/v1/info" && !req.path().starts_with("/v1/epochs/") &&
      !body.contains("results")) {
    std::abort();
  }
  return 0;
}
