#pragma once
#include "cli/cli.h"

namespace cbx::cli {
// `approve-epoch`: the rotation authority's offline tool (DESIGN §6).
//   approve-epoch --generate-authority-key --out F   new authority key (seed file, 0600); prints
//                                                    the public key hex the signer's
//                                                    --authority-public-key takes
//   approve-epoch --authority-key-file F --epoch N --public-key HEX --compose-hash HEX
//   approve-epoch --authority-key-file F --from-cluster --epoch N [--kubeconfig K]
//                                                    prints the base64 approval for the new
//                                                    TeeEpoch's spec.approval
void register_approve_epoch(Cli& cli);
}  // namespace cbx::cli
