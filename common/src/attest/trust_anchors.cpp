#include "cbx/attest/trust_anchors.h"

#include "attest/openssl_handles.h"
#include "cbx/crypto/hash.h"

namespace cbx::attest {
namespace {

// Intel SGX Root CA (CN=Intel SGX Root CA, O=Intel Corporation, valid 2018-05-21..2049-12-31),
// as published by Intel and carried in every PCCS issuer chain. Pinned by its fingerprint below.
constexpr const char* kIntelSgxRootCaPem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIw\n"
    "aDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENv\n"
    "cnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJ\n"
    "BgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIzNTk1OVowaDEaMBgG\n"
    "A1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0\n"
    "aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYT\n"
    "AlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi7\n"
    "1OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOB\n"
    "uzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJ\n"
    "MEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50\n"
    "ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SV\n"
    "Ur9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYI\n"
    "KoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwg\n"
    "AiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=\n"
    "-----END CERTIFICATE-----\n";

Bytes load_intel_root() {
  auto certs = detail::certificates_from_pem(kIntelSgxRootCaPem);
  Bytes der = certs.size() == 1 ? detail::certificate_der(certs.front().get()) : Bytes{};
  // A build whose pinned root does not hash to Intel's fingerprint verifies nothing: an empty
  // anchor fails every chain check.
  if (der.empty() || hex_encode(sha256(der)) != kIntelSgxRootCaSha256) return {};
  return der;
}

}  // namespace

const TrustAnchors& TrustAnchors::intel() {
  static const TrustAnchors anchors{"intel", load_intel_root()};
  return anchors;
}

TrustAnchors TrustAnchors::test(Bytes root_ca_der, std::string name) {
  if (name == "intel" || name.empty()) name = "test";
  return TrustAnchors{std::move(name), std::move(root_ca_der)};
}

Result<TrustAnchors> TrustAnchors::test_from_pem(std::string_view pem, std::string name) {
  auto certs = detail::certificates_from_pem(pem);
  Bytes der = certs.size() == 1 ? detail::certificate_der(certs.front().get()) : Bytes{};
  if (der.empty()) {
    return make_error("BAD_TRUST_ANCHOR", "the root CA file must hold exactly one PEM certificate");
  }
  return test(std::move(der), std::move(name));
}

}  // namespace cbx::attest
