#pragma once
// Ed25519 (RFC 8032) through libsodium. The public key is always derived from the seed: a
// public key supplied from outside is never used for signing (a mismatched one leaks the key).
#include <array>
#include <cstddef>
#include <cstdint>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"

namespace cbx::ed25519 {

constexpr std::size_t kSeedSize = 32, kPublicKeySize = 32, kSignatureSize = 64;
using PublicKey = std::array<std::uint8_t, kPublicKeySize>;
using Signature = std::array<std::uint8_t, kSignatureSize>;

struct KeyPair {
  SecretBytes secret_key;  // libsodium 64-byte secret key: seed || public key
  PublicKey public_key;
};

// Error code "BAD_SEED" unless seed is exactly 32 bytes.
Result<KeyPair> key_pair_from_seed(ByteView seed);
SecretBytes generate_seed();  // 32 random bytes
Signature sign(const KeyPair& key, ByteView message);
// false for wrong sizes, a bad key or a bad signature.
bool verify(ByteView public_key, ByteView message, ByteView signature);

}  // namespace cbx::ed25519
