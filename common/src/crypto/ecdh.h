#pragma once
// secp256k1 ECDH that yields the shared POINT (04||x||y, 65 bytes), as eciesjs feeds it to HKDF,
// instead of libsecp256k1's default SHA-256 of the compressed point.
#include <secp256k1.h>

#include <cstdint>
#include <span>

namespace cbx::crypto_internal {

constexpr std::size_t kSharedPointSize = 65;

// out = scalar · point. false if the scalar is not a valid private key.
bool ecdh_shared_point(const secp256k1_pubkey& point, const std::uint8_t* scalar32,
                       std::span<std::uint8_t, kSharedPointSize> out);

}  // namespace cbx::crypto_internal
