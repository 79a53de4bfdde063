#include "signer/simulator_key_provider.h"

#include <memory>

#include "cbx/crypto/hash.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/tdx_quote.h"

namespace cbx::signer {
namespace {

constexpr std::string_view kDstackKdfSalt = "RATLS";

epoch::Measurement measurement(std::string_view label) {
  auto digest = sha384(as_bytes(label));
  epoch::Measurement m;
  std::copy(digest.begin(), digest.end(), m.begin());
  return m;
}

}  // namespace

Result<std::unique_ptr<SimulatorKeyProvider>> SimulatorKeyProvider::create(SecretBytes seed) {
  if (seed.size() < 32) {
    return make_error("BAD_SIMULATOR_SEED", "the simulator seed must be at least 32 bytes");
  }
  return std::unique_ptr<SimulatorKeyProvider>(new SimulatorKeyProvider(std::move(seed)));
}

SimulatorKeyProvider::SimulatorKeyProvider(SecretBytes seed) : seed_(std::move(seed)) {
  // A public, seed-independent compose hash: the simulator has no compose file.
  compose_hash_ = hex_encode(sha256(as_bytes("cipherbox-signer insecure simulator")));
}

Result<SecretBytes> SimulatorKeyProvider::derive_epoch_key(std::uint64_t epoch) {
  std::string path = epoch::epoch_key_path(epoch);
  SecretBytes key = hkdf_sha256(seed_.span(), as_bytes(kDstackKdfSalt), as_bytes(path), 32);
  if (!secp256k1::is_valid_private_key(key.span())) {
    return make_error("KEY_DERIVATION_FAILED", "derived epoch key is not a valid scalar");
  }
  return key;
}

Result<AttestationQuote> SimulatorKeyProvider::quote(const epoch::ReportData& report_data) {
  std::array<epoch::Measurement, 4> rtmr = {
      measurement("simulator rtmr0"), measurement("simulator rtmr1"),
      measurement("simulator rtmr2"), measurement("simulator rtmr3")};
  Bytes q = epoch::build_simulated_tdx_quote(report_data, measurement("simulator mrtd"), rtmr);
  return AttestationQuote{hex_encode(q), "[]"};
}

Result<ProviderInfo> SimulatorKeyProvider::info() {
  return ProviderInfo{compose_hash_.substr(0, 40), compose_hash_, "simulator", "simulator", true};
}

}  // namespace cbx::signer
