#pragma once
// One-time initialisation of the C crypto libraries, shared by the cbx_crypto sources.
#include <secp256k1.h>

namespace cbx::crypto_internal {

// sodium_init() exactly once (thread-safe); aborts if libsodium cannot initialise.
void ensure_sodium();

// The process-wide libsecp256k1 context, created and randomized on first use. Read-only after
// that, so it is safe to share between threads.
const secp256k1_context* shared_secp256k1_context();

}  // namespace cbx::crypto_internal
