#include "cbx/crypto/ed25519.h"

#include <sodium.h>

#include <cstdlib>

#include "cbx/crypto/random.h"
#include "crypto/library_init.h"

namespace cbx::ed25519 {

static_assert(crypto_sign_SEEDBYTES == kSeedSize);
static_assert(crypto_sign_PUBLICKEYBYTES == kPublicKeySize);
static_assert(crypto_sign_BYTES == kSignatureSize);

Result<KeyPair> key_pair_from_seed(ByteView seed) {
  if (seed.size() != kSeedSize) {
    return make_error("BAD_SEED", "Ed25519 seed must be 32 bytes");
  }
  crypto_internal::ensure_sodium();
  KeyPair key{SecretBytes(crypto_sign_SECRETKEYBYTES), {}};
  if (crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), seed.data()) != 0) {
    return make_error("BAD_SEED", "Ed25519 key derivation failed");
  }
  return key;
}

SecretBytes generate_seed() {
  SecretBytes seed(kSeedSize);
  random_bytes(seed.mutable_span());
  return seed;
}

Signature sign(const KeyPair& key, ByteView message) {
  // A KeyPair only comes from key_pair_from_seed; anything else is a programming error.
  if (key.secret_key.size() != crypto_sign_SECRETKEYBYTES) std::abort();
  crypto_internal::ensure_sodium();
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       key.secret_key.data());
  return signature;
}

bool verify(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != kPublicKeySize || signature.size() != kSignatureSize) return false;
  crypto_internal::ensure_sodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

}  // namespace cbx::ed25519
