#include "cbx/crypto/ecies.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>

#include "cbx/crypto/hash.h"
#include "cbx/crypto/random.h"
#include "cbx/crypto/secp256k1.h"
#include "crypto/aes_gcm.h"
#include "crypto/ecdh.h"
#include "crypto/library_init.h"
#include "crypto/secp256k1_point.h"

namespace cbx::ecies {
namespace {

using crypto_internal::kSharedPointSize;

// AES-GCM lengths go through int; nothing we seal comes anywhere near this.
constexpr std::size_t kMaxPlaintextSize = std::size_t{1} << 30;
constexpr std::size_t kNonceOffset = kEphemeralKeySize;
constexpr std::size_t kTagOffset = kNonceOffset + kNonceSize;

Error decrypt_failed() {
  return make_error("DECRYPT_FAILED", kDecryptFailedMessage);
}

// AES key = HKDF-SHA256(ephemeral_pk(65) || scalar·point (65), no salt, no info, 32).
// Empty on failure (invalid scalar).
SecretBytes derive_aes_key(ByteView ephemeral_public_key, const secp256k1_pubkey& point,
                           const std::uint8_t* scalar32) {
  std::array<std::uint8_t, kEphemeralKeySize + kSharedPointSize> ikm;
  std::copy(ephemeral_public_key.begin(), ephemeral_public_key.end(), ikm.begin());
  std::span<std::uint8_t, kSharedPointSize> shared(ikm.data() + kEphemeralKeySize,
                                                   kSharedPointSize);
  SecretBytes key;
  if (crypto_internal::ecdh_shared_point(point, scalar32, shared)) {
    key = hkdf_sha256(ikm, {}, {}, crypto_internal::kAesKeySize);
  }
  OPENSSL_cleanse(ikm.data(), ikm.size());
  return key;
}

}  // namespace

Result<Bytes> encrypt(ByteView receiver_public_key, ByteView plaintext) {
  const SecretBytes ephemeral_private_key = secp256k1::generate_private_key();
  std::array<std::uint8_t, kNonceSize> nonce;
  random_bytes(nonce);
  return encrypt_with(receiver_public_key, plaintext, ephemeral_private_key, nonce);
}

Result<Bytes> encrypt_with(ByteView receiver_public_key, ByteView plaintext,
                           const SecretBytes& ephemeral_private_key, ByteView nonce) {
  const auto receiver = crypto_internal::parse_point(receiver_public_key);
  if (!receiver) return make_error("BAD_PUBLIC_KEY", "invalid secp256k1 public key");
  if (nonce.size() != kNonceSize) return make_error("BAD_NONCE", "ECIES nonce must be 16 bytes");
  if (plaintext.size() > kMaxPlaintextSize) {
    return make_error("PLAINTEXT_TOO_LARGE", "ECIES plaintext too large");
  }
  auto ephemeral_public_key = secp256k1::public_key(ephemeral_private_key, false);
  if (!ephemeral_public_key) return ephemeral_public_key.error();

  Bytes out(kOverhead + plaintext.size());
  std::copy(ephemeral_public_key->begin(), ephemeral_public_key->end(), out.begin());
  std::copy(nonce.begin(), nonce.end(), out.begin() + kNonceOffset);
  const SecretBytes key = derive_aes_key(ByteView(out).first(kEphemeralKeySize), *receiver,
                                         ephemeral_private_key.data());
  if (key.empty() ||
      !crypto_internal::aes256gcm_encrypt(key.span(), nonce, plaintext, out.data() + kOverhead,
                                          out.data() + kTagOffset)) {
    return make_error("ENCRYPT_FAILED", "ECIES encryption failed");
  }
  return out;
}

Result<SecretBytes> decrypt(const SecretBytes& receiver_private_key, ByteView ciphertext) {
  if (ciphertext.size() < kOverhead || ciphertext.size() - kOverhead > kMaxPlaintextSize ||
      !secp256k1::is_valid_private_key(receiver_private_key.span())) {
    return decrypt_failed();
  }
  const ByteView ephemeral_public_key = ciphertext.first(kEphemeralKeySize);
  const auto ephemeral = crypto_internal::parse_uncompressed_point(ephemeral_public_key);
  if (!ephemeral) return decrypt_failed();
  const SecretBytes key =
      derive_aes_key(ephemeral_public_key, *ephemeral, receiver_private_key.data());
  if (key.empty()) return decrypt_failed();

  const ByteView body = ciphertext.subspan(kOverhead);
  SecretBytes plaintext(body.size());
  if (!crypto_internal::aes256gcm_decrypt(key.span(), ciphertext.subspan(kNonceOffset, kNonceSize),
                                          body, ciphertext.subspan(kTagOffset, kTagSize),
                                          plaintext.data())) {
    return decrypt_failed();  // plaintext is zeroed by aes256gcm_decrypt and by ~SecretBytes
  }
  return plaintext;
}

}  // namespace cbx::ecies
