#pragma once
// Where epoch keys and attestation quotes come from: the dstack guest agent inside a CVM, or the
// simulator (tests, demos; never in production). DESIGN §6, §7.
#include <cstdint>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"
#include "cbx/epoch/report_data.h"

namespace cbx::signer {

struct ProviderInfo {
  std::string app_id;
  std::string compose_hash;  // hex
  std::string instance_id;
  std::string agent_version;  // "" when the agent has no /Version (older than 0.5.7)
  bool simulated = false;
};

struct AttestationQuote {
  std::string quote_hex;
  std::string event_log;  // JSON text as the agent returns it
};

class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // The 32-byte secp256k1 private key of `epoch` (path epoch_key_path(epoch), secp256k1).
  virtual Result<SecretBytes> derive_epoch_key(std::uint64_t epoch) = 0;
  virtual Result<AttestationQuote> quote(const epoch::ReportData& report_data) = 0;
  virtual Result<ProviderInfo> info() = 0;
  virtual bool simulated() const = 0;
};

}  // namespace cbx::signer
