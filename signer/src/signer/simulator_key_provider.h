#pragma once
// INSECURE: epoch keys derived from a local seed file, for tests and demos without a TEE.
// Derivation mirrors dstack's GetKey: HKDF-SHA256(salt "RATLS", ikm = seed, info = path, 32).
// Quotes have the TDX v4 layout with a dummy signature (no verifier accepts them); their event log
// is dstack-shaped (system-preparing, app-id, compose-hash, instance-id, boot-mr-done,
// key-provider, system-ready) and replays to the quote's RTMR3, so the operator's event-log and
// compose-hash / app-id pin checks run on simulator quotes exactly as on real ones.
#include <memory>

#include "signer/key_provider.h"

namespace cbx::signer {

class SimulatorKeyProvider : public KeyProvider {
 public:
  // The measured identity; "" picks the defaults: compose hash SHA-256("cipherbox-signer insecure
  // simulator"), app id its first 40 hex digits (as Phala Cloud derives a new app's id).
  struct Identity {
    std::string compose_hash;  // 64 hex
    std::string app_id;        // 40 hex
  };
  // Errors: BAD_SIMULATOR_SEED unless the seed has at least 32 bytes; BAD_FLAGS for a compose
  // hash that is not 64 hex digits or an app id that is not 40.
  static Result<std::unique_ptr<SimulatorKeyProvider>> create(SecretBytes seed,
                                                              Identity identity = {});

  Result<SecretBytes> derive_epoch_key(std::uint64_t epoch) override;
  Result<AttestationQuote> quote(const epoch::ReportData& report_data) override;
  Result<ProviderInfo> info() override;
  bool simulated() const override { return true; }

 private:
  SimulatorKeyProvider(SecretBytes seed, Identity identity);
  SecretBytes seed_;
  std::string compose_hash_;
  std::string app_id_;
  std::string instance_id_;
};

}  // namespace cbx::signer
