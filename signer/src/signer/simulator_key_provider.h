#pragma once
// INSECURE: epoch keys derived from a local seed file, for tests and demos without a TEE.
// Derivation mirrors dstack's GetKey: HKDF-SHA256(salt "RATLS", ikm = seed, info = path, 32).
// Quotes have the TDX v4 layout with a dummy signature (no verifier accepts them).
#include <memory>

#include "signer/key_provider.h"

namespace cbx::signer {

class SimulatorKeyProvider : public KeyProvider {
 public:
  // Error BAD_SIMULATOR_SEED unless the seed has at least 32 bytes.
  static Result<std::unique_ptr<SimulatorKeyProvider>> create(SecretBytes seed);

  Result<SecretBytes> derive_epoch_key(std::uint64_t epoch) override;
  Result<AttestationQuote> quote(const epoch::ReportData& report_data) override;
  Result<ProviderInfo> info() override;
  bool simulated() const override { return true; }

 private:
  explicit SimulatorKeyProvider(SecretBytes seed);
  SecretBytes seed_;
  std::string compose_hash_;
};

}  // namespace cbx::signer
