#include "signer/simulator_key_provider.h"

#include <memory>

#include "cbx/attest/event_log.h"
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

bool lowercase_hex(const std::string& s, std::size_t size) {
  return s.size() == size && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

constexpr char kKeyProvider[] = R"({"name":"insecure-simulator"})";

}  // namespace

Result<std::unique_ptr<SimulatorKeyProvider>> SimulatorKeyProvider::create(SecretBytes seed,
                                                                           Identity identity) {
  if (seed.size() < 32) {
    return make_error("BAD_SIMULATOR_SEED", "the simulator seed must be at least 32 bytes");
  }
  if (!identity.compose_hash.empty() && !lowercase_hex(identity.compose_hash, 64)) {
    return make_error("BAD_FLAGS", "the simulator compose hash must be 64 lowercase hex digits");
  }
  if (!identity.app_id.empty() && !lowercase_hex(identity.app_id, 40)) {
    return make_error("BAD_FLAGS", "the simulator app id must be 40 lowercase hex digits");
  }
  return std::unique_ptr<SimulatorKeyProvider>(
      new SimulatorKeyProvider(std::move(seed), std::move(identity)));
}

SimulatorKeyProvider::SimulatorKeyProvider(SecretBytes seed, Identity identity)
    : seed_(std::move(seed)) {
  // Public, seed-independent defaults: the simulator has no compose file.
  compose_hash_ = identity.compose_hash.empty()
                      ? hex_encode(sha256(as_bytes("cipherbox-signer insecure simulator")))
                      : identity.compose_hash;
  app_id_ = identity.app_id.empty() ? compose_hash_.substr(0, 40) : identity.app_id;
  instance_id_ = hex_encode(sha256(as_bytes("simulator instance " + app_id_))).substr(0, 40);
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
  auto log = attest::build_runtime_event_log(attest::dstack_boot_events(
      attest::DstackAppIdentity{compose_hash_, app_id_, instance_id_, kKeyProvider, ""}));
  std::array<epoch::Measurement, 4> rtmr = {measurement("simulator rtmr0"),
                                            measurement("simulator rtmr1"),
                                            measurement("simulator rtmr2"), log.rtmr3};
  Bytes q = epoch::build_simulated_tdx_quote(report_data, measurement("simulator mrtd"), rtmr);
  return AttestationQuote{hex_encode(q), std::move(log.json_text)};
}

Result<ProviderInfo> SimulatorKeyProvider::info() {
  return ProviderInfo{app_id_, compose_hash_, instance_id_, "simulator", true};
}

}  // namespace cbx::signer
