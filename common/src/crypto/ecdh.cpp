#include "crypto/ecdh.h"

#include <secp256k1_ecdh.h>

#include <cstring>

#include "crypto/library_init.h"

namespace cbx::crypto_internal {
namespace {

int copy_uncompressed_point(unsigned char* output, const unsigned char* x32,
                            const unsigned char* y32, void* /*data*/) {
  output[0] = 0x04;
  std::memcpy(output + 1, x32, 32);
  std::memcpy(output + 33, y32, 32);
  return 1;
}

}  // namespace

bool ecdh_shared_point(const secp256k1_pubkey& point, const std::uint8_t* scalar32,
                       std::span<std::uint8_t, kSharedPointSize> out) {
  return secp256k1_ecdh(shared_secp256k1_context(), out.data(), &point, scalar32,
                        copy_uncompressed_point, nullptr) == 1;
}

}  // namespace cbx::crypto_internal
