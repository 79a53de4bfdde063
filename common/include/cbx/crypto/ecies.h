#pragma once
// ECIES in the eciesjs 0.4/0.5 default format (secp256k1, AES-256-GCM, 16-byte nonce):
//   ephemeral_pk(65, uncompressed) || nonce(16) || tag(16) || ciphertext
// key = HKDF-SHA256(ikm = ephemeral_pk(65) || shared_point(65, uncompressed), no salt, no info, 32)
#include <cstddef>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"

namespace cbx::ecies {

constexpr std::size_t kEphemeralKeySize = 65;
constexpr std::size_t kNonceSize = 16;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kOverhead = kEphemeralKeySize + kNonceSize + kTagSize;  // 97

// receiver_public_key: 33 or 65-byte SEC1 (or 64-byte raw x||y). Error "BAD_PUBLIC_KEY".
Result<Bytes> encrypt(ByteView receiver_public_key, ByteView plaintext);
// Deterministic variant for vectors: ephemeral secret key (32) and nonce (16) given.
// Errors: "BAD_PUBLIC_KEY", "BAD_PRIVATE_KEY" (ephemeral key), "BAD_NONCE".
Result<Bytes> encrypt_with(ByteView receiver_public_key, ByteView plaintext,
                           const SecretBytes& ephemeral_private_key, ByteView nonce);
// Every failure -> Error{"DECRYPT_FAILED", kDecryptFailedMessage}: never says which check failed.
inline constexpr const char* kDecryptFailedMessage = "ECIES decryption failed";
Result<SecretBytes> decrypt(const SecretBytes& receiver_private_key, ByteView ciphertext);

}  // namespace cbx::ecies
