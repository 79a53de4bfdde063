#include "signer/config_files.h"

#include <openssl/crypto.h>

#include <fstream>
#include <iterator>

#include "cbx/base/encoding.h"

namespace cbx::signer {
namespace {

Result<SecretBytes> read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("BAD_FILE", std::string("cannot read the ") + what + " file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  SecretBytes out(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  OPENSSL_cleanse(text.data(), text.size());
  return out;
}

std::size_t trimmed_size(const SecretBytes& s) {
  std::size_t n = s.size();
  while (n > 0 && (s.data()[n - 1] == '\n' || s.data()[n - 1] == '\r' || s.data()[n - 1] == ' ' ||
                   s.data()[n - 1] == '\t')) {
    --n;
  }
  return n;
}

}  // namespace

Result<SecretBytes> token_from_text(std::string_view text) {
  SecretBytes raw(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  std::size_t n = trimmed_size(raw);
  if (n < kMinTokenSize) {
    return make_error("BAD_TOKEN", "the bearer token must be at least 16 characters");
  }
  return SecretBytes(raw.data(), n);
}

Result<SecretBytes> read_token_file(const std::string& path) {
  auto raw = read_file(path, "token");
  if (!raw) return raw.error();
  return token_from_text(std::string_view(reinterpret_cast<const char*>(raw->data()), raw->size()));
}

Result<SecretBytes> read_simulator_seed_file(const std::string& path) {
  auto raw = read_file(path, "simulator seed");
  if (!raw) return raw.error();
  std::size_t n = trimmed_size(*raw);
  std::string_view text(reinterpret_cast<const char*>(raw->data()), n);
  if (n >= 64) {
    if (auto decoded = hex_decode(text)) {
      SecretBytes seed(decoded->data(), decoded->size());
      OPENSSL_cleanse(decoded->data(), decoded->size());
      return seed;
    }
  }
  if (raw->size() < 32) {
    return make_error("BAD_SIMULATOR_SEED", "the simulator seed file must hold at least 32 bytes");
  }
  return std::move(*raw);
}

Result<ed25519::PublicKey> parse_authority_public_key(std::string_view hex) {
  auto bytes = hex_decode(hex);
  if (!bytes || bytes->size() != ed25519::kPublicKeySize) {
    return make_error("BAD_AUTHORITY_KEY", "--authority-public-key must be 64 hex characters");
  }
  ed25519::PublicKey pk;
  std::copy(bytes->begin(), bytes->end(), pk.begin());
  return pk;
}

Result<std::optional<ed25519::PublicKey>> authority_key_from_flag(std::string_view flag,
                                                                  const char* env_value) {
  if (env_value != nullptr) {
    return make_error("BAD_AUTHORITY_KEY",
                      std::string(kAuthorityKeyEnv) +
                          " is set: the rotation-authority key is taken only from "
                          "--authority-public-key in the measured compose file; unset it");
  }
  if (flag.empty() || flag == "none") return std::optional<ed25519::PublicKey>();
  auto pk = parse_authority_public_key(flag);
  if (!pk) return pk.error();
  return std::optional<ed25519::PublicKey>(*pk);
}

}  // namespace cbx::signer
