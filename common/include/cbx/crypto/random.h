#pragma once
// Cryptographically secure randomness (libsodium randombytes_buf, thread-safe).
#include <cstdint>
#include <span>

namespace cbx {

void random_bytes(std::span<std::uint8_t> out);

}  // namespace cbx
