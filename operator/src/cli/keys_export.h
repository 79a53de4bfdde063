#pragma once
// `keys export [-n NS | -A] [--format yaml|patch|kustomize]`: the spec changes that carry each
// folder's current key (keyEpoch + encryptedKey) back to git (issue 14; README GitOps guide).
#include "cli/cli.h"

namespace cbx::cli {

void register_keys(Cli& cli);

}  // namespace cbx::cli
