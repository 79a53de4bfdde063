#include "attest/openssl_handles.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <cctype>

namespace cbx::attest::detail {
namespace {

struct EcdsaSigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

// DCAP's r||s to the DER SEQUENCE OpenSSL verifies.
Bytes rs_to_der(ByteView rs) {
  if (rs.size() != 64) return {};
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(rs.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(rs.data() + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return {};
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  if (i2d_ECDSA_SIG(sig.get(), &p) != len) return {};
  return der;
}

}  // namespace

std::vector<X509Ptr> certificates_from_pem(std::string_view pem) {
  // Decoded here rather than by PEM_read_bio_X509, which accepts trailing bytes after the DER
  // and stops silently at a damaged block: every block must be exactly one certificate.
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<X509Ptr> out;
  for (auto begin = pem.find(kBegin); begin != std::string_view::npos;
       begin = pem.find(kBegin, begin + 1)) {
    auto body_at = begin + kBegin.size();
    auto end = pem.find(kEnd, body_at);
    if (end == std::string_view::npos) return {};
    std::string body;
    for (char c : pem.substr(body_at, end - body_at)) {
      if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
      // Only the base64 alphabet: the decoder would skip other white space (\v, \f) that
      // dcap-qvl's PEM reading does not, so one text would carry two different chains.
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=')
        return {};
      body.push_back(c);
    }
    auto der = base64_decode(body);
    X509Ptr cert = der ? certificate_from_der(*der) : nullptr;
    if (!cert) return {};
    out.push_back(std::move(cert));
  }
  return out;
}

X509Ptr certificate_from_der(ByteView der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert && p != der.data() + der.size()) cert.reset();  // trailing bytes
  ERR_clear_error();
  return cert;
}

X509CrlPtr crl_from_der(ByteView der) {
  const unsigned char* p = der.data();
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (crl && p != der.data() + der.size()) crl.reset();
  ERR_clear_error();
  return crl;
}

Bytes certificate_der(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return {};
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  if (i2d_X509(cert, &p) != len) return {};
  return der;
}

EvpPkeyPtr p256_public_key(const std::array<std::uint8_t, 64>& xy) {
  std::array<std::uint8_t, 65> point{};
  point[0] = 0x04;
  std::copy(xy.begin(), xy.end(), point.begin() + 1);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  EvpPkeyPtr owned(key);
  // fromdata does not insist the point is on the curve; the public-key check does.
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return owned;
}

bool verify_p256_sha256(EVP_PKEY* key, ByteView data, ByteView signature_rs) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  Bytes der = rs_to_der(signature_rs);
  if (der.empty()) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), der.data(), der.size(), data.data(), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace cbx::attest::detail
