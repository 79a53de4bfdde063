#pragma once
// Owning handles for the OpenSSL objects the verifier uses, and the few conversions it needs.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <memory>
#include <string_view>
#include <vector>

#include "cbx/base/encoding.h"

namespace cbx::attest::detail {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct X509CrlFree {
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509CrlPtr = std::unique_ptr<X509_CRL, X509CrlFree>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// Every certificate of a PEM text, in order; empty when any CERTIFICATE block fails to parse.
std::vector<X509Ptr> certificates_from_pem(std::string_view pem);
X509Ptr certificate_from_der(ByteView der);
X509CrlPtr crl_from_der(ByteView der);
Bytes certificate_der(X509* cert);

// An uncompressed P-256 public key from its 64-byte x||y form; null when not on the curve.
EvpPkeyPtr p256_public_key(const std::array<std::uint8_t, 64>& xy);

// ECDSA-SHA256 over `data`, signature as 64 bytes r||s (the DCAP form). False on any failure.
bool verify_p256_sha256(EVP_PKEY* key, ByteView data, ByteView signature_rs);

}  // namespace cbx::attest::detail
