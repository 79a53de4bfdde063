#pragma once
// Client of a TDX quote verifier (DESIGN §7): checks the quote's hardware signature chain, which
// the operator itself does not. Contract (covers both known verifiers with one request):
//   POST <url>  Content-Type: application/json
//   {"quote": "<hex>", "hex": "<hex>"}       (dstack-verifier reads "quote", Phala's
//                                             /api/v1/attestations/verify reads "hex")
//   200 {"verified": true|false, ...}        or Phala's {"quote": {"verified": …}} or
//                                             dstack-verifier's {"is_valid": …}
// Anything else (transport, non-200, not JSON, over kMaxVerifierAnswerBytes, no boolean verdict)
// is UNAVAILABLE / BAD_RESPONSE; the reason is cut at 1024 bytes.
#include <chrono>
#include <string>

#include "cbx/base/result.h"
#include "cbx/http/client.h"

namespace cbx::op {

inline constexpr std::size_t kMaxVerifierAnswerBytes = 4 * 1024 * 1024;

struct QuoteVerdict {
  bool verified = false;
  std::string reason;  // the verifier's reason/message when it gives one
};

class AttestationVerifier {
 public:
  AttestationVerifier(http::HttpTransport& transport, std::string url,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));
  Result<QuoteVerdict> verify(const std::string& quote_hex);
  const std::string& url() const { return url_; }

 private:
  http::HttpTransport& transport_;
  std::string url_;
  std::chrono::milliseconds timeout_;
};

}  // namespace cbx::op
