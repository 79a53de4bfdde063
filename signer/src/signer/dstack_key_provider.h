#pragma once
// Epoch keys and quotes from the dstack guest agent over its Unix socket (wire-formats.md §3):
//   POST /GetKey   {"path","purpose","algorithm":"secp256k1"} -> {"key": hex32, "signature_chain"}
//   POST /GetQuote {"report_data": hex64}                    -> {"quote": hex, "event_log", ...}
//   POST /Info     {}                                         -> {app_id, compose_hash, ...}
//   POST /Version  {}                                         -> {version, rev} (agents >= 0.5.7)
// Agents up to 0.5.6 ignore "algorithm" and always derive secp256k1 from the path: the same key
// this signer asks for, so they are accepted; the version (or its absence) is reported in Info.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "signer/key_provider.h"

namespace cbx::signer {

inline constexpr const char* kEpochKeyPurpose = "cipherbox-ipns-republish";

// The SDK's search order: the first of these that exists (the first one when none does).
std::string default_dstack_socket();
extern const std::vector<std::string> kDstackSocketCandidates;

class DstackKeyProvider : public KeyProvider {
 public:
  explicit DstackKeyProvider(std::string socket_path,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));

  Result<SecretBytes> derive_epoch_key(std::uint64_t epoch) override;
  Result<AttestationQuote> quote(const epoch::ReportData& report_data) override;
  Result<ProviderInfo> info() override;
  bool simulated() const override { return false; }

  const std::string& socket_path() const { return socket_path_; }

 private:
  Result<nlohmann::json> call(const std::string& method, const nlohmann::json& body);

  std::string socket_path_;
  std::chrono::milliseconds timeout_;
};

}  // namespace cbx::signer
