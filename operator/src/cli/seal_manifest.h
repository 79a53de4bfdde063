#pragma once
// `seal --epoch N`: the IpnsRepublish manifest a folder owner commits (the kubeseal of this
// project): the folder key sealed to the epoch's verified public key, and a first owner record
// for the CID in spec.ownerRecord, so the operator may publish that value (DESIGN §1, §4).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"
#include "cbx/ipns/validity.h"

namespace cbx::cli {

struct ManifestOptions {
  std::string name;
  std::string ns = "default";
  std::string cid;
  std::optional<std::string> sequence;  // the owner's highest published sequence so far
  std::string lifetime = "48h";         // of the owner record
};

void add_manifest_options(CLI::App* command, ManifestOptions& options);

// YAML text of the manifest. The owner record has sequence 1, or --sequence + 1. BAD_ARGUMENT
// for a bad CID, name, sequence or lifetime.
Result<std::string> seal_manifest(const ManifestOptions& options, std::uint64_t epoch,
                                  const SecretBytes& seed, const std::string& encrypted_key_base64,
                                  ipns::TimePoint now);

}  // namespace cbx::cli
