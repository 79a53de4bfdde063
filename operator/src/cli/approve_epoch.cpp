#include "cli/approve_epoch.h"

#include <memory>
#include <optional>
#include <ostream>

#include "cbx/crypto/ed25519.h"
#include "cbx/epoch/approval.h"
#include "cli/cluster_epoch.h"
#include "cli/seed_file.h"

namespace cbx::cli {
namespace {

struct ApproveOptions {
  bool generate = false;
  std::string out;
  bool force = false;
  std::string authority_key_file;
  std::optional<std::uint64_t> epoch;
  std::optional<std::string> public_key_hex;
  std::optional<std::string> compose_hash_hex;
  bool from_cluster = false;
  ClusterOptions cluster;
};

int generate(const ApproveOptions& options, const Io& io) {
  if (options.out.empty()) return usage_error(io, "--generate-authority-key needs --out");
  const SecretBytes seed = ed25519::generate_seed();
  auto key = ed25519::key_pair_from_seed(seed.span());
  if (!key) return failure(io, key.error().message);
  const Status written = write_seed_file(options.out, seed, options.force);
  if (!written) {
    return written.error().code == "FILE_EXISTS" ? usage_error(io, written.error().message)
                                                 : failure(io, written.error().message);
  }
  io.out << hex_encode(key->public_key) << '\n';
  return kExitOk;
}

// The compose hash an approval names: the pinned spec.signer.composeHash, else the attested one.
std::string compose_hash_of(const op::TeeEpoch& e) {
  if (!e.spec.signer.compose_hash.empty()) return e.spec.signer.compose_hash;
  return e.status.signer ? e.status.signer->compose_hash : "";
}

int approve(const ApproveOptions& options, const Io& io) {
  if (options.authority_key_file.empty())
    return usage_error(io, "--authority-key-file is required");
  if (!options.epoch) return usage_error(io, "--epoch is required");
  std::string public_key, compose_hash;
  if (options.from_cluster) {
    if (options.public_key_hex || options.compose_hash_hex) {
      return usage_error(io, "--from-cluster excludes --public-key and --compose-hash");
    }
    auto e = read_ready_epoch(options.cluster, *options.epoch);
    if (!e) return failure(io, e.error().message);
    public_key = e->status.public_key;
    compose_hash = compose_hash_of(*e);
  } else {
    if (!options.public_key_hex || !options.compose_hash_hex) {
      return usage_error(io, "--public-key and --compose-hash are required (or --from-cluster)");
    }
    public_key = *options.public_key_hex;
    compose_hash = *options.compose_hash_hex;
  }
  auto subject = epoch::approval_subject_from_hex(*options.epoch, public_key, compose_hash);
  if (!subject) return usage_error(io, subject.error().message);
  auto seed = read_seed_file(options.authority_key_file);
  if (!seed) return usage_error(io, seed.error().message);
  auto key = ed25519::key_pair_from_seed(seed->span());
  if (!key) return usage_error(io, "--authority-key-file: not an Ed25519 seed");
  auto approval = epoch::sign_approval(*key, *subject);
  if (!approval) return failure(io, approval.error().message);
  io.out << *approval << '\n';
  return kExitOk;
}

}  // namespace

void register_approve_epoch(Cli& cli) {
  auto o = std::make_shared<ApproveOptions>();
  CLI::App* command = cli.add_command(
      cli.app(), "approve-epoch",
      "Rotation authority: sign an approval for a new epoch key (base64, for TeeEpoch "
      "spec.approval), or generate the authority key",
      [o](const Io& io) { return o->generate ? generate(*o, io) : approve(*o, io); });
  command->add_flag("--generate-authority-key", o->generate,
                    "Write a new authority key to --out; print its public key (hex)");
  command->add_option("--out", o->out, "with --generate-authority-key: key file to create");
  command->add_flag("--force", o->force, "with --generate-authority-key: overwrite --out");
  command->add_option("--authority-key-file", o->authority_key_file,
                      "Authority key (Ed25519 seed: 32 raw bytes or 64 hex)");
  command->add_option("--epoch", o->epoch, "The new epoch number");
  command->add_option("--public-key", o->public_key_hex,
                      "The new epoch's public key (65-byte hex)");
  command->add_option("--compose-hash", o->compose_hash_hex,
                      "The new signer's compose hash (64 hex)");
  command->add_flag("--from-cluster", o->from_cluster,
                    "Read the public key and compose hash from the TeeEpoch the operator verified");
  add_cluster_options(command, o->cluster);
}

}  // namespace cbx::cli
