#pragma once
// AES-256-GCM with a 16-byte nonce (eciesjs's default, not the usual 12), 16-byte tag, no AAD.
// Contexts are reused per thread and re-keyed with zeros after each call, so no key schedule of
// a real key stays in memory.
#include <cstdint>

#include "cbx/base/encoding.h"

namespace cbx::crypto_internal {

constexpr std::size_t kAesKeySize = 32;
constexpr std::size_t kGcmNonceSize = 16;
constexpr std::size_t kGcmTagSize = 16;

// ciphertext_out: plaintext.size() bytes; tag_out: 16 bytes.
bool aes256gcm_encrypt(ByteView key, ByteView nonce, ByteView plaintext,
                       std::uint8_t* ciphertext_out, std::uint8_t* tag_out);
// plaintext_out: ciphertext.size() bytes. false (and plaintext_out zeroed) if the tag is wrong.
bool aes256gcm_decrypt(ByteView key, ByteView nonce, ByteView ciphertext, ByteView tag,
                       std::uint8_t* plaintext_out);

}  // namespace cbx::crypto_internal
