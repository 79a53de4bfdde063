#pragma once
#include "cli/cli.h"

namespace cbx::cli {
// `seal --public-key HEX --seed-file F`: the seed encrypted (eciesjs format) to a secp256k1
// public key, printed as base64. The epoch form (`seal --epoch N …`, resolving the key from a
// TeeEpoch) plugs into the same command: see seal.cpp.
void register_seal(Cli& cli);
}  // namespace cbx::cli
