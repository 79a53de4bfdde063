#include "cbx/crypto/random.h"

#include <sodium.h>

#include "crypto/library_init.h"

namespace cbx {

void random_bytes(std::span<std::uint8_t> out) {
  crypto_internal::ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

}  // namespace cbx
