#include "crypto/library_init.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdlib>

namespace cbx::crypto_internal {

void ensure_sodium() {
  static const bool initialised = [] { return sodium_init() >= 0; }();
  if (!initialised) std::abort();  // no safe way to go on without a random source
}

const secp256k1_context* shared_secp256k1_context() {
  static secp256k1_context* const context = [] {
    ensure_sodium();
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::array<std::uint8_t, 32> seed{};
    randombytes_buf(seed.data(), seed.size());
    const int randomized = secp256k1_context_randomize(ctx, seed.data());
    sodium_memzero(seed.data(), seed.size());
    if (ctx == nullptr || randomized != 1) std::abort();
    return ctx;
  }();
  return context;
}

}  // namespace cbx::crypto_internal
