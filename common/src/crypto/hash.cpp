#include "cbx/crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdlib>
#include <memory>

namespace cbx {
namespace {

constexpr std::size_t kSha256Size = 32;
constexpr std::size_t kHkdfMaxLength = 255 * kSha256Size;

template <std::size_t N>
std::array<std::uint8_t, N> digest(const EVP_MD* md, ByteView data) {
  std::array<std::uint8_t, N> out{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr) != 1 || size != N) {
    std::abort();  // only fails on allocation failure
  }
  return out;
}

struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

// The context keeps the last IKM until the next call; overwrite it so no secret lingers.
void forget_key(EVP_KDF_CTX* ctx) {
  std::uint8_t zero = 0;
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, &zero, 1),
                               OSSL_PARAM_construct_end()};
  EVP_KDF_CTX_set_params(ctx, params);
}

using KdfCtx = std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter>;

KdfCtx new_hkdf_sha256_context() {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
  KdfCtx ctx(EVP_KDF_CTX_new(kdf));
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  if (!ctx || EVP_KDF_CTX_set_params(ctx.get(), params) != 1) std::abort();
  return ctx;
}

// One HKDF-SHA256 context per thread with the digest set once (the expensive part to repeat).
EVP_KDF_CTX* thread_hkdf_context() {
  thread_local KdfCtx ctx = new_hkdf_sha256_context();
  return ctx.get();
}

// OSSL_PARAM octet strings must not point at nullptr even when empty.
void* param_data(ByteView bytes) {
  static std::uint8_t empty = 0;
  return bytes.empty() ? &empty : const_cast<std::uint8_t*>(bytes.data());
}

}  // namespace

std::array<std::uint8_t, 32> sha256(ByteView data) {
  return digest<32>(EVP_sha256(), data);
}

std::array<std::uint8_t, 48> sha384(ByteView data) {
  return digest<48>(EVP_sha384(), data);
}

SecretBytes hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
  if (length == 0 || length > kHkdfMaxLength) return {};
  // OpenSSL ignores an empty salt param and would keep the previous call's salt, so an absent
  // salt is passed as HashLen zero bytes, which RFC 5869 §2.2 defines as the same thing.
  static const std::array<std::uint8_t, kSha256Size> zero_salt{};
  const ByteView effective_salt = salt.empty() ? ByteView(zero_salt) : salt;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, param_data(ikm), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, param_data(effective_salt),
                                        effective_salt.size()),
      OSSL_PARAM_construct_end(), OSSL_PARAM_construct_end()};
  // The per-thread context never gets an info param: OpenSSL 3.0 cannot clear one again (an
  // empty info after a non-empty one leaves a stale length behind). Calls with info (none on
  // the ECIES path) use a context of their own (EVP_KDF_CTX_dup does not work for HKDF in 3.0).
  EVP_KDF_CTX* ctx = thread_hkdf_context();
  KdfCtx with_info;
  if (!info.empty()) {
    params[2] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, param_data(info), info.size());
    with_info = new_hkdf_sha256_context();
    ctx = with_info.get();
  }
  SecretBytes out(length);
  const int derived = EVP_KDF_derive(ctx, out.data(), out.size(), params);
  forget_key(ctx);
  if (derived != 1) return {};
  return out;
}

}  // namespace cbx
