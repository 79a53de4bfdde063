#pragma once
#include "cli/cli.h"

namespace cbx::cli {
// `cipherbox-republish status [-n NS] [NAME]`: the folders as a table (what kubectl shows, plus
// validity and the last error).
void register_status(Cli& cli);
// `cipherbox-republish republish-now -n NS NAME`: sets the manual-trigger annotation.
void register_republish_now(Cli& cli);
}  // namespace cbx::cli
