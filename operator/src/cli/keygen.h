#pragma once
#include "cli/cli.h"

namespace cbx::cli {
// `keygen --out FILE [--force]`: a new Ed25519 seed in FILE (32 raw bytes, mode 0600); prints
// the IPNS name.
void register_keygen(Cli& cli);
}  // namespace cbx::cli
