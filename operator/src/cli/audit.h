#pragma once
#include "cli/cli.h"

namespace cbx::cli {
// `cipherbox-republish audit NAME [-n NS] [--routing URL]...`: prints the folder's audit ring
// (status.audit) and checks each entry against the records the routing endpoints serve
// (cli/audit_check.h); exit 0 only when every entry checks out.
void register_audit(Cli& cli);
}  // namespace cbx::cli
