#pragma once
#include "cli/cli.h"

namespace cbx::cli {
// `cipherbox-republish run`: the operator (controllers, leader election, probes, metrics).
void register_run(Cli& cli);
}  // namespace cbx::cli
