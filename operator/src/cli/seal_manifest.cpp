#include "cli/seal_manifest.h"

#include <regex>

#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/cid.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/value.h"
#include "cli/record_args.h"

namespace cbx::cli {
namespace {

// RFC 1123 subdomain (object names) and label (namespaces), as Kubernetes validates them.
bool valid_k8s_name(const std::string& text, bool label) {
  static const std::regex subdomain(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  static const std::regex dns_label("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return !text.empty() && text.size() <= (label ? 63u : 253u) &&
         std::regex_match(text, label ? dns_label : subdomain);
}

}  // namespace

void add_manifest_options(CLI::App* command, ManifestOptions& options) {
  command->add_option("--name", options.name, "with --epoch: the IpnsRepublish name");
  command->add_option("-n,--namespace", options.ns,
                      "with --epoch: its namespace (default: default)");
  command->add_option("--cid", options.cid, "with --epoch: the content the folder points to");
  command->add_option("--sequence", options.sequence,
                      "with --epoch: highest sequence the owner published so far (the owner "
                      "record gets the next one; default: record sequence 1)");
  command->add_option("--lifetime", options.lifetime,
                      "with --epoch: owner record validity from now (default 48h)");
}

Result<std::string> seal_manifest(const ManifestOptions& options, std::uint64_t epoch,
                                  const SecretBytes& seed, const std::string& encrypted_key_base64,
                                  ipns::TimePoint now) {
  if (!valid_k8s_name(options.name, false)) {
    return make_error("BAD_ARGUMENT", "--name: not a Kubernetes object name");
  }
  if (!valid_k8s_name(options.ns, true)) {
    return make_error("BAD_ARGUMENT", "--namespace: not a Kubernetes namespace name");
  }
  auto cid = ipns::parse_cid(options.cid);
  if (!cid) return make_error("BAD_ARGUMENT", "--cid: not a CID");
  std::uint64_t sequence = 1;
  if (options.sequence) {
    auto given = parse_sequence("--sequence", *options.sequence);
    if (!given) return given.error();
    if (*given == UINT64_MAX) return make_error("BAD_ARGUMENT", "--sequence: no sequence above it");
    sequence = *given + 1;
  }
  auto lifetime = parse_duration_flag("--lifetime", options.lifetime);
  if (!lifetime) return lifetime.error();
  auto validity = validity_from_lifetime(now, *lifetime);
  if (!validity) return validity.error();
  auto key = ed25519::key_pair_from_seed(seed.span());
  if (!key) return make_error("BAD_ARGUMENT", "--seed-file: not an Ed25519 seed");
  auto value = ipns::normalize_value("/ipfs/" + options.cid);  // as createIPNSRecord does
  if (!value) return make_error("BAD_ARGUMENT", "--cid: " + value.error().message);
  ipns::RecordFields fields;
  fields.value = *value;
  fields.validity = *validity;
  fields.sequence = sequence;
  auto record = ipns::make_record(*key, fields);
  if (!record) return record.error();
  std::string out;
  out += "apiVersion: republish.cipherbox.io/v1alpha1\n";
  out += "kind: IpnsRepublish\n";
  out += "metadata:\n";
  out += "  name: " + options.name + "\n";
  out += "  namespace: " + options.ns + "\n";
  out += "spec:\n";
  out += "  ipnsName: " + ipns::name_from_ed25519(key->public_key).text() + "\n";
  out += "  cid: " + options.cid + "\n";
  out += "  keyEpoch: " + std::to_string(epoch) + "\n";
  out += "  encryptedKey: " + encrypted_key_base64 + "\n";
  out += "  ownerRecord: " + base64_encode(*record) + "\n";
  return out;
}

}  // namespace cbx::cli
