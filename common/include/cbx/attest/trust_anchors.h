#pragma once
// The root a quote's certificate chains must end in. Production: the Intel SGX Root CA, pinned
// in the binary (its SHA-256 fingerprint is checked when loaded). Tests may pin their own root;
// the verdict then names the anchor ("test"), so nobody can mistake such a verdict for Intel's.
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::attest {

struct TrustAnchors {
  std::string name;  // "intel" or what a test chose (never "intel" for another root)
  Bytes root_ca_der;

  static const TrustAnchors& intel();
  // For tests only: any self-signed root (DER). name must not be "intel".
  static TrustAnchors test(Bytes root_ca_der, std::string name = "test");
  // The same from a file's text holding exactly one PEM certificate (strictly decoded). Error
  // BAD_TRUST_ANCHOR otherwise.
  static Result<TrustAnchors> test_from_pem(std::string_view pem, std::string name = "test");
};

// Hex SHA-256 of the DER of Intel's SGX Root CA certificate.
inline constexpr const char* kIntelSgxRootCaSha256 =
    "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";

}  // namespace cbx::attest
