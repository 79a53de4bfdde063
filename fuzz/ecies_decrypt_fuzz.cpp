// ECIES decrypt of arbitrary bytes with a fixed receiver key (receiver-A of ecies.json, so the
// seeds in fuzz/seeds/ecies_decrypt_fuzz/ decrypt). Must never crash; a successful decrypt must
// return exactly size - 97 bytes, and every failure must be the one fixed DECRYPT_FAILED error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/crypto/ecies.h"

namespace {

const cbx::SecretBytes& receiver_key() {
  static const cbx::SecretBytes key = [] {
    const auto bytes =
        cbx::hex_decode("0f595c6b7ebcbc6bba9ab263d35bbccd505b6920347af30ffb19b5149b253e61");
    return cbx::SecretBytes(bytes->data(), bytes->size());
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto plaintext = cbx::ecies::decrypt(receiver_key(), cbx::ByteView(data, size));
  if (plaintext.ok()) {
    if (size < cbx::ecies::kOverhead || plaintext->size() != size - cbx::ecies::kOverhead) {
      std::abort();
    }
  } else if (plaintext.error().code != "DECRYPT_FAILED" ||
             plaintext.error().message != std::string_view(cbx::ecies::kDecryptFailedMessage)) {
    std::abort();
  }
  return 0;
}
