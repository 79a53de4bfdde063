#include "cli/keygen.h"

#include <memory>
#include <ostream>

#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/name.h"
#include "cli/seed_file.h"

namespace cbx::cli {
namespace {

struct KeygenOptions {
  std::string out;
  bool force = false;
};

int keygen(const KeygenOptions& options, const Io& io) {
  const SecretBytes seed = ed25519::generate_seed();
  auto key = ed25519::key_pair_from_seed(seed.span());
  if (!key) return failure(io, key.error().message);
  const Status written = write_seed_file(options.out, seed, options.force);
  if (!written) {
    return written.error().code == "FILE_EXISTS" ? usage_error(io, written.error().message)
                                                 : failure(io, written.error().message);
  }
  io.out << ipns::name_from_ed25519(key->public_key).text() << '\n';
  return kExitOk;
}

}  // namespace

void register_keygen(Cli& cli) {
  auto options = std::make_shared<KeygenOptions>();
  CLI::App* command =
      cli.add_command(cli.app(), "keygen",
                      "Write a new Ed25519 seed (32 raw bytes, mode 0600); print its IPNS name",
                      [options](const Io& io) { return keygen(*options, io); });
  command->add_option("--out", options->out, "Seed file to create")->required();
  command->add_flag("--force", options->force, "Overwrite an existing file");
}

}  // namespace cbx::cli
