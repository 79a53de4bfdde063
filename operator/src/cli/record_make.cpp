// `record make`: an IPNS record as the ipns npm package's createIPNSRecord(WithExpiration) makes
// it, signed with a seed file's key, printed as base64.
#include <memory>
#include <optional>
#include <ostream>

#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/value.h"
#include "cli/record.h"
#include "cli/record_args.h"
#include "cli/seed_file.h"

namespace cbx::cli {
namespace {

struct MakeOptions {
  std::string seed_file;
  std::string value;
  std::string sequence;
  std::optional<std::string> validity;
  std::optional<std::string> lifetime;
  std::string ttl = "5m";  // the ipns package's default TTL
  bool v2_only = false;
};

Result<ipns::RecordFields> record_fields(const MakeOptions& options, const Io& io) {
  ipns::RecordFields fields;
  auto value = ipns::normalize_value(options.value);
  if (!value) return make_error("BAD_ARGUMENT", "--value: " + value.error().message);
  fields.value = std::move(*value);
  auto sequence = parse_sequence("--sequence", options.sequence);
  if (!sequence) return sequence.error();
  fields.sequence = *sequence;
  auto ttl = parse_duration_flag("--ttl", options.ttl);
  if (!ttl) return ttl.error();
  fields.ttl_ns = static_cast<std::uint64_t>(ttl->count());
  if (options.validity) {
    auto validity = canonical_validity("--validity", *options.validity);
    if (!validity) return validity.error();
    fields.validity = std::move(*validity);
  } else {
    auto lifetime = parse_duration_flag("--lifetime", *options.lifetime);
    if (!lifetime) return lifetime.error();
    auto validity = validity_from_lifetime(io.now(), *lifetime);
    if (!validity) return validity.error();
    fields.validity = std::move(*validity);
  }
  return fields;
}

int make_record(const MakeOptions& options, const Io& io) {
  auto fields = record_fields(options, io);
  if (!fields) return usage_error(io, fields.error().message);
  auto seed = read_seed_file(options.seed_file);
  if (!seed) return usage_error(io, seed.error().message);
  auto key = ed25519::key_pair_from_seed(seed->span());
  if (!key) return usage_error(io, key.error().message);
  auto record = ipns::make_record(*key, *fields, !options.v2_only);
  if (!record) return failure(io, record.error().code + ": " + record.error().message);
  io.out << base64_encode(*record) << '\n';
  return kExitOk;
}

}  // namespace

void register_record_make(Cli& cli, CLI::App& record) {
  auto options = std::make_shared<MakeOptions>();
  CLI::App* command = cli.add_command(
      record, "make", "Sign an IPNS record with a seed file's key; print it as base64",
      [options](const Io& io) { return make_record(*options, io); });
  command
      ->add_option("--seed-file", options->seed_file,
                   "Ed25519 seed: 32 raw bytes or 64 hex characters")
      ->required();
  command->add_option("--value", options->value, "Content path, e.g. /ipfs/<cid> (or a bare CID)")
      ->required();
  command->add_option("--sequence", options->sequence, "Sequence number (decimal, full uint64)")
      ->required();
  auto* validity = command->add_option("--validity", options->validity,
                                       "End of validity, RFC 3339 (2030-01-01T00:00:00Z)");
  auto* lifetime =
      command->add_option("--lifetime", options->lifetime, "Validity from now (Go duration: 48h)");
  validity->excludes(lifetime);
  lifetime->excludes(validity);
  command->add_option("--ttl", options->ttl, "Cache TTL (Go duration)")->capture_default_str();
  command->add_flag("--v2-only", options->v2_only, "Leave out the legacy V1 fields and signature");
  command->callback([validity, lifetime] {
    if (validity->count() + lifetime->count() == 0) {
      throw CLI::RequiredError("--validity or --lifetime");
    }
  });
}

}  // namespace cbx::cli
