#include "cli/seal.h"

#include <memory>
#include <optional>
#include <ostream>

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/secp256k1.h"
#include "cli/seed_file.h"

namespace cbx::cli {
namespace {

// One struct for every form of `seal`; the target key comes from exactly one source. Today:
// --public-key. An epoch-based form adds its flags here and a branch in target_public_key().
struct SealOptions {
  std::optional<std::string> public_key_hex;
  std::string seed_file;
};

Result<Bytes> target_public_key(const SealOptions& options) {
  if (!options.public_key_hex) return make_error("BAD_ARGUMENT", "--public-key is required");
  const auto bytes = hex_decode(*options.public_key_hex);
  if (!bytes) return make_error("BAD_ARGUMENT", "--public-key: not hex");
  auto parsed = secp256k1::parse_public_key(*bytes);
  if (!parsed) {
    return make_error("BAD_ARGUMENT",
                      "--public-key: not a secp256k1 public key (33 or 65-byte SEC1, hex)");
  }
  return *bytes;
}

int seal(const SealOptions& options, const Io& io) {
  auto public_key = target_public_key(options);
  if (!public_key) return usage_error(io, public_key.error().message);
  auto seed = read_seed_file(options.seed_file);
  if (!seed) return usage_error(io, seed.error().message);
  auto sealed = ecies::encrypt(*public_key, seed->span());
  if (!sealed) return failure(io, sealed.error().code + ": " + sealed.error().message);
  io.out << base64_encode(*sealed) << '\n';
  return kExitOk;
}

}  // namespace

void register_seal(Cli& cli) {
  auto options = std::make_shared<SealOptions>();
  CLI::App* command = cli.add_command(
      cli.app(), "seal",
      "Encrypt a folder key (Ed25519 seed) to a TEE epoch key (eciesjs format); print base64",
      [options](const Io& io) { return seal(*options, io); });
  command->add_option("--public-key", options->public_key_hex,
                      "Epoch public key, hex (65-byte uncompressed or 33-byte compressed)");
  command->add_option("--seed-file", options->seed_file,
                      "Ed25519 seed: 32 raw bytes or 64 hex characters")
      ->required();
}

}  // namespace cbx::cli
