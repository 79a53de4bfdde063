#include "crypto/aes_gcm.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <cstdlib>
#include <memory>

namespace cbx::crypto_internal {
namespace {

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

CipherCtx make_gcm_context(int encrypt) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx ||
      EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kGcmNonceSize, nullptr) != 1) {
    std::abort();  // only on allocation failure or a broken OpenSSL
  }
  return ctx;
}

EVP_CIPHER_CTX* thread_context(int encrypt) {
  thread_local CipherCtx encrypt_ctx = make_gcm_context(1);
  thread_local CipherCtx decrypt_ctx = make_gcm_context(0);
  return encrypt ? encrypt_ctx.get() : decrypt_ctx.get();
}

// Replaces the expanded key (and GHASH key) held by the context with those of an all-zero key.
void scrub(EVP_CIPHER_CTX* ctx, int encrypt) {
  static const std::uint8_t zero_key[kAesKeySize] = {};
  EVP_CipherInit_ex(ctx, nullptr, nullptr, zero_key, nullptr, encrypt);
}

bool sizes_ok(ByteView key, ByteView nonce, ByteView data) {
  return key.size() == kAesKeySize && nonce.size() == kGcmNonceSize && data.size() <= INT_MAX;
}

bool run_encrypt(EVP_CIPHER_CTX* ctx, ByteView key, ByteView nonce, ByteView plaintext,
                 std::uint8_t* ciphertext_out, std::uint8_t* tag_out) {
  int written = 0;
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data(), 1) != 1) return false;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx, ciphertext_out, &written, plaintext.data(),
                                              static_cast<int>(plaintext.size())) != 1) {
    return false;
  }
  int final_written = 0;
  return EVP_EncryptFinal_ex(ctx, ciphertext_out + written, &final_written) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kGcmTagSize, tag_out) == 1;
}

bool run_decrypt(EVP_CIPHER_CTX* ctx, ByteView key, ByteView nonce, ByteView ciphertext,
                 ByteView tag, std::uint8_t* plaintext_out) {
  int written = 0;
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data(), 0) != 1) return false;
  if (!ciphertext.empty() && EVP_DecryptUpdate(ctx, plaintext_out, &written, ciphertext.data(),
                                               static_cast<int>(ciphertext.size())) != 1) {
    return false;
  }
  int final_written = 0;
  return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kGcmTagSize,
                             const_cast<std::uint8_t*>(tag.data())) == 1 &&
         EVP_DecryptFinal_ex(ctx, plaintext_out + written, &final_written) == 1;
}

}  // namespace

bool aes256gcm_encrypt(ByteView key, ByteView nonce, ByteView plaintext,
                       std::uint8_t* ciphertext_out, std::uint8_t* tag_out) {
  if (!sizes_ok(key, nonce, plaintext)) return false;
  EVP_CIPHER_CTX* ctx = thread_context(1);
  const bool ok = run_encrypt(ctx, key, nonce, plaintext, ciphertext_out, tag_out);
  scrub(ctx, 1);
  return ok;
}

bool aes256gcm_decrypt(ByteView key, ByteView nonce, ByteView ciphertext, ByteView tag,
                       std::uint8_t* plaintext_out) {
  if (!sizes_ok(key, nonce, ciphertext) || tag.size() != kGcmTagSize) return false;
  EVP_CIPHER_CTX* ctx = thread_context(0);
  const bool ok = run_decrypt(ctx, key, nonce, ciphertext, tag, plaintext_out);
  scrub(ctx, 0);
  if (!ok && !ciphertext.empty()) OPENSSL_cleanse(plaintext_out, ciphertext.size());
  return ok;
}

}  // namespace cbx::crypto_internal
