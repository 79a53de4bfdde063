#pragma once
// Which signer a folder's records are signed by (DESIGN §6), decided per folder from the
// TeeEpoch cache:
// - key on the active epoch, or on an older epoch the active epoch's signer also serves (same
//   signer URL = same CVM keys): sign there with currentEpoch = active (lazy migration);
// - key on an usable epoch of ANOTHER signer (older, awaiting pre-rotation; or newer, the
//   pre-rotation target): sign with that epoch's own signer and currentEpoch = the key's epoch —
//   no CVM can re-encrypt a key it cannot decrypt;
// - key on a Failed or unknown epoch (or a retired one whose signer is not the active one):
//   nothing is sent; KeyCurrent=False, KeyMigrationRequired (the owner must re-seal).
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "api/v1alpha1/tee_epoch.h"
#include "controllers/republish/republish_reconciler.h"

namespace cbx::op {

// epochs: as cached, with their current phases.
SigningTarget choose_signer(const IpnsRepublish& obj, const std::vector<TeeEpoch>& epochs);

}  // namespace cbx::op
