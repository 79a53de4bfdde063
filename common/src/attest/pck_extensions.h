#pragma once
// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): a DER SEQUENCE of
// (OID, value) pairs, of which the verifier needs FMSPC (…1.4, 6 bytes), and inside TCB (…1.2)
// PCESVN (…1.2.17, INTEGER) and CPUSVN (…1.2.18, 16 bytes).
#include <openssl/x509.h>

#include <array>
#include <cstdint>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::attest::detail {

struct PckExtensions {
  std::array<std::uint8_t, 6> fmspc{};
  std::array<std::uint8_t, 16> cpu_svn{};
  std::int64_t pce_svn = 0;
};

// From the extension's value (the OCTET STRING contents). Error BAD_CERT_CHAIN when malformed.
Result<PckExtensions> parse_sgx_extension(ByteView der);
// Finds the extension in the certificate (exactly one must be present).
Result<PckExtensions> read_pck_extensions(X509* pck_leaf);

}  // namespace cbx::attest::detail
