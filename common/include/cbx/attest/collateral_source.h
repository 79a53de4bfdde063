#pragma once
// Where verification collateral comes from: a PCCS (Intel's Provisioning Certificate Caching
// Service API, v4) over HTTP(S), cached per platform until the collateral's next update (or
// max_age, whichever comes first, so that a TCB recovery published before nextUpdate is seen).
//   GET {base}/sgx/certification/v4/pckcrl?ca={platform|processor}&encoding=der
//       body: CRL (DER, or hex); header SGX-PCK-CRL-Issuer-Chain: URL-encoded PEM
//   GET {base}/sgx/certification/v4/rootcacrl           body: CRL (hex, or DER)
//   GET {base}/tdx/certification/v4/tcb?fmspc={FMSPC}    body {"tcbInfo":{…},"signature":hex};
//       header TCB-Info-Issuer-Chain (or SGX-TCB-Info-Issuer-Chain)
//   GET {base}/tdx/certification/v4/qe/identity?update=standard
//       body {"enclaveIdentity":{…},"signature":hex}; header SGX-Enclave-Identity-Issuer-Chain
// The signed documents are kept byte-for-byte as served (their signatures cover those bytes).
// Nothing fetched is trusted: verify_tdx_quote checks every signature against the pinned root.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "cbx/attest/collateral.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"
#include "cbx/http/client.h"

namespace cbx::attest {

// dcap-qvl's default PCCS (Phala Network's).
inline constexpr const char* kDefaultPccsUrl = "https://pccs.phala.network";

struct PlatformId {
  std::string fmspc;  // 12 hex digits, uppercase
  std::string ca;     // "platform" or "processor": which Intel CA issued the PCK certificate
};

// The platform a quote's PCK certificate names. Errors: BAD_QUOTE / UNSUPPORTED_QUOTE from
// parsing, BAD_CERT_CHAIN when the certificate lacks the SGX extension.
Result<PlatformId> platform_of_quote(ByteView quote);

class CollateralSource {
 public:
  virtual ~CollateralSource() = default;
  // Error codes: PCCS_UNAVAILABLE (transport error or non-200), BAD_COLLATERAL (malformed answer).
  virtual Result<Collateral> collateral_for(const PlatformId& platform, SysTime now) = 0;
};

struct PccsOptions {
  std::string base_url = kDefaultPccsUrl;  // without /sgx/certification/v4
  std::chrono::seconds max_age{3600};
  std::chrono::milliseconds timeout{15000};
};

class PccsCollateralSource : public CollateralSource {
 public:
  // The transport must outlive this object.
  PccsCollateralSource(http::HttpTransport& transport, PccsOptions options = {});
  Result<Collateral> collateral_for(const PlatformId& platform, SysTime now) override;
  // Forgets every cached entry (an operator re-check on demand).
  void clear();

 private:
  struct Entry {
    Collateral collateral;
    SysTime fetched_at;
    SysTime next_update;
  };
  Result<Collateral> fetch(const PlatformId& platform);

  http::HttpTransport& transport_;
  PccsOptions options_;
  std::mutex mutex_;
  std::map<std::string, Entry> cache_;
};

// The text of a top-level member's value exactly as it appears in a JSON object (for signed
// sub-documents); nullopt when the text is not a JSON object or lacks the member.
std::optional<std::string> raw_json_member(std::string_view object_text, std::string_view name);

}  // namespace cbx::attest
