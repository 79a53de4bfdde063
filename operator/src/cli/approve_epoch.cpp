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
  bool insecure_unverified = false;
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

// What an approval may name from the cluster: only values a verification produced. The operator
// records them in status.attestation (compose hash from the event log replayed to the quote's
// RTMR3) and says Attested=True only for a quote verified to Intel's root with an accepted TCB.
Result<std::string> verified_compose_hash(const op::TeeEpoch& e, bool insecure_unverified,
                                          const Io& io) {
  const std::string where = "TeeEpoch " + e.name;
  if (!e.status.attestation || e.status.attestation->compose_hash.empty()) {
    return make_error("NOT_VERIFIED", where + " has no attestation in its status");
  }
  const auto& a = *e.status.attestation;
  bool verified = a.verified && !a.simulated && a.trust_anchor == "intel" &&
                  op::condition_is_true(e.status.conditions, "Attested");
  if (!verified) {
    std::string why =
        a.simulated ? "its signer is a simulator"
        : a.trust_anchor != "intel"
            ? "its quote was not verified to the Intel root (anchor \"" + a.trust_anchor + "\")"
            : "its Attested condition is not True";
    if (!insecure_unverified) {
      return make_error("NOT_VERIFIED", where + ": " + why +
                                            "; refusing to approve (--insecure-unverified "
                                            "overrides, for tests and demos only)");
    }
    io.err << "warning: approving an UNVERIFIED epoch key (" << why << ")\n";
  }
  if (!e.spec.signer.compose_hash.empty() && e.spec.signer.compose_hash != a.compose_hash) {
    return make_error("NOT_VERIFIED", where + ": attested compose hash differs from the pin");
  }
  return a.compose_hash;
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
    auto verified = verified_compose_hash(*e, options.insecure_unverified, io);
    if (!verified) return failure(io, verified.error().message);
    public_key = e->status.public_key;
    compose_hash = *verified;
  } else {
    if (!options.public_key_hex || !options.compose_hash_hex) {
      return usage_error(io, "--public-key and --compose-hash are required (or --from-cluster)");
    }
    if (!options.insecure_unverified) {
      return usage_error(io,
                         "--public-key/--compose-hash are values no verification produced: use "
                         "--from-cluster, or add --insecure-unverified (tests and demos only)");
    }

    public_key = *options.public_key_hex;
    compose_hash = *options.compose_hash_hex;
  }
  auto subject = epoch::approval_subject_from_hex(*options.epoch, public_key, compose_hash);
  if (!subject) return usage_error(io, subject.error().message);
  if (!options.from_cluster) {
    io.err << "warning: approving UNVERIFIED values given on the command line\n";
  }
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
                    "Read the public key and the attested compose hash from the TeeEpoch; only "
                    "when its quote was verified to the Intel root (Attested=True)");
  command->add_flag("--insecure-unverified", o->insecure_unverified,
                    "Tests and demos only: approve values no verification produced (a simulator "
                    "epoch, a test trust anchor, or --public-key/--compose-hash)");
  add_cluster_options(command, o->cluster);
}

}  // namespace cbx::cli
