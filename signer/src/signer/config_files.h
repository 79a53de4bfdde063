#pragma once
// Reading the signer's secrets from files (or the environment) at startup.
#include <optional>
#include <string>

#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"
#include "cbx/crypto/ed25519.h"

namespace cbx::signer {

inline constexpr std::size_t kMinTokenSize = 16;

// The whole file without trailing whitespace. Error BAD_TOKEN when shorter than kMinTokenSize.
Result<SecretBytes> read_token_file(const std::string& path);
Result<SecretBytes> token_from_text(std::string_view text);
// Hex text (64+ hex chars) is decoded; anything else is used as raw bytes (at least 32).
Result<SecretBytes> read_simulator_seed_file(const std::string& path);
// 64 hex characters (32-byte Ed25519 public key). Error BAD_AUTHORITY_KEY.
Result<ed25519::PublicKey> parse_authority_public_key(std::string_view hex);

inline constexpr const char* kAuthorityKeyEnv = "CBX_AUTHORITY_PUBLIC_KEY";
// The rotation-authority key from the --authority-public-key flag only ("" or "none": no
// authority). The flag sits in the compose file, which the compose hash measures; the environment
// does not. So a key in the environment (env_value non-null: kAuthorityKeyEnv is set, even empty)
// is refused rather than ignored: error BAD_AUTHORITY_KEY, the signer does not start.
Result<std::optional<ed25519::PublicKey>> authority_key_from_flag(std::string_view flag,
                                                                  const char* env_value);

}  // namespace cbx::signer
