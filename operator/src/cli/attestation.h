#pragma once
#include "cli/cli.h"

namespace cbx::cli {
// `attestation verify --quote FILE [--collateral FILE | --pccs URL | --no-collateral]
//  [--event-log FILE] [--at RFC3339] [--test-root-ca PEM]`: verifies a TDX quote in process and
// prints one JSON object (cbx/attest/verdict_json.h, plus the event-log fields). Exit 0 only when
// everything asked for verified; 1 otherwise; 2 on bad arguments.
void register_attestation(Cli& cli);
}  // namespace cbx::cli
