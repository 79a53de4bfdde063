#include "cli/seal.h"

#include <memory>
#include <optional>
#include <ostream>

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/secp256k1.h"
#include "cli/cluster_epoch.h"
#include "cli/seal_manifest.h"
#include "cli/seed_file.h"

namespace cbx::cli {
namespace {

// One struct for every form of `seal`; the target key comes from exactly one source:
// --public-key (prints the ciphertext) or --epoch (reads the TeeEpoch's verified key from the
// cluster and prints a whole IpnsRepublish manifest, see seal_manifest.h).
struct SealOptions {
  std::optional<std::string> public_key_hex;
  std::optional<std::uint64_t> epoch;
  std::string seed_file;
  ClusterOptions cluster;
  ManifestOptions manifest;
};

Result<Bytes> parse_public_key(const std::string& hex, const std::string& source) {
  const auto bytes = hex_decode(hex);
  if (!bytes) return make_error("BAD_ARGUMENT", source + ": not hex");
  auto parsed = secp256k1::parse_public_key(*bytes);
  if (!parsed) {
    return make_error("BAD_ARGUMENT",
                      source + ": not a secp256k1 public key (33 or 65-byte SEC1, hex)");
  }
  return *bytes;
}

Result<Bytes> target_public_key(const SealOptions& options) {
  if (options.public_key_hex && options.epoch) {
    return make_error("BAD_ARGUMENT", "--public-key and --epoch exclude each other");
  }
  if (options.public_key_hex) return parse_public_key(*options.public_key_hex, "--public-key");
  if (!options.epoch) return make_error("BAD_ARGUMENT", "--public-key or --epoch is required");
  if (options.manifest.name.empty() || options.manifest.cid.empty()) {
    return make_error("BAD_ARGUMENT", "--epoch needs --name and --cid (and -n)");
  }
  auto epoch = read_ready_epoch(options.cluster, *options.epoch);
  if (!epoch) return make_error("CLUSTER", epoch.error().message);
  return parse_public_key(epoch->status.public_key,
                          "TeeEpoch " + epoch->name + " status.publicKey");
}

int seal(const SealOptions& options, const Io& io) {
  auto public_key = target_public_key(options);
  if (!public_key) {
    return public_key.error().code == "CLUSTER" ? failure(io, public_key.error().message)
                                                : usage_error(io, public_key.error().message);
  }
  auto seed = read_seed_file(options.seed_file);
  if (!seed) return usage_error(io, seed.error().message);
  auto sealed = ecies::encrypt(*public_key, seed->span());
  if (!sealed) return failure(io, sealed.error().code + ": " + sealed.error().message);
  if (!options.epoch) {
    io.out << base64_encode(*sealed) << '\n';
    return kExitOk;
  }
  auto manifest =
      seal_manifest(options.manifest, *options.epoch, *seed, base64_encode(*sealed), io.now());
  if (!manifest) return usage_error(io, manifest.error().message);
  io.out << *manifest;
  return kExitOk;
}

}  // namespace

void register_seal(Cli& cli) {
  auto options = std::make_shared<SealOptions>();
  CLI::App* command = cli.add_command(
      cli.app(), "seal",
      "Encrypt a folder key (Ed25519 seed) to a TEE epoch key (eciesjs format); print base64, or "
      "with --epoch a ready-to-apply IpnsRepublish manifest",
      [options](const Io& io) { return seal(*options, io); });
  command->add_option("--public-key", options->public_key_hex,
                      "Epoch public key, hex (65-byte uncompressed or 33-byte compressed)");
  command
      ->add_option("--seed-file", options->seed_file,
                   "Ed25519 seed: 32 raw bytes or 64 hex characters")
      ->required();
  command->add_option("--epoch", options->epoch,
                      "Seal to this TeeEpoch's verified status.publicKey (read from the cluster) "
                      "and print an IpnsRepublish manifest");
  add_cluster_options(command, options->cluster);
  add_manifest_options(command, options->manifest);
}

}  // namespace cbx::cli
