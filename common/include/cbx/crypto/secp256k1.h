#pragma once
// secp256k1 keys through libsecp256k1 (one shared context, randomized once at first use).
#include <cstdint>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"

namespace cbx::secp256k1 {

constexpr std::size_t kPrivateKeySize = 32;
constexpr std::size_t kCompressedPublicKeySize = 33;
constexpr std::size_t kUncompressedPublicKeySize = 65;

// 32 bytes and 0 < k < n.
bool is_valid_private_key(ByteView key);
// SEC1 public key: 65 bytes (04||x||y) or, compressed, 33 bytes. Error "BAD_PRIVATE_KEY".
Result<Bytes> public_key(const SecretBytes& private_key, bool compressed = false);
// 33/65-byte SEC1 (or 64-byte raw x||y) on the curve -> 65-byte uncompressed. Error
// "BAD_PUBLIC_KEY".
Result<Bytes> parse_public_key(ByteView sec1);
// Uniformly random valid private key.
SecretBytes generate_private_key();

}  // namespace cbx::secp256k1
