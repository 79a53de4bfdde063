#include "cbx/crypto/secp256k1.h"

#include <secp256k1.h>

#include "cbx/crypto/random.h"
#include "crypto/library_init.h"
#include "crypto/secp256k1_point.h"

namespace cbx::secp256k1 {

using crypto_internal::shared_secp256k1_context;

bool is_valid_private_key(ByteView key) {
  return key.size() == kPrivateKeySize &&
         secp256k1_ec_seckey_verify(shared_secp256k1_context(), key.data()) == 1;
}

Result<Bytes> public_key(const SecretBytes& private_key, bool compressed) {
  secp256k1_pubkey point;
  if (!is_valid_private_key(private_key.span()) ||
      secp256k1_ec_pubkey_create(shared_secp256k1_context(), &point, private_key.data()) != 1) {
    return make_error("BAD_PRIVATE_KEY", "invalid secp256k1 private key");
  }
  return crypto_internal::serialize_point(point, compressed);
}

Result<Bytes> parse_public_key(ByteView sec1) {
  auto point = crypto_internal::parse_point(sec1);
  if (!point) return make_error("BAD_PUBLIC_KEY", "invalid secp256k1 public key");
  return crypto_internal::serialize_point(*point, false);
}

SecretBytes generate_private_key() {
  SecretBytes key(kPrivateKeySize);
  do {
    random_bytes(key.mutable_span());
  } while (!is_valid_private_key(key.span()));
  return key;
}

}  // namespace cbx::secp256k1
