#pragma once
// The key ledger (api/v1alpha1/key_ledger.h) as the decommission predicates see it: the
// epochs each IPNS name holds a ciphertext under. An object the ledger's strict codec refuses is
// kept as unreadable (it holds every epoch unless its name's key is held durably elsewhere).
#include <nlohmann/json.hpp>
#include <vector>

#include "api/v1alpha1/key_ledger.h"
#include "controllers/epoch/decommission.h"

namespace cbx::op {

std::vector<LedgerKeyCopies> ledger_key_copies(const std::vector<nlohmann::json>& objects);
LedgerKeyCopies ledger_key_copies_of(const nlohmann::json& object);
// The copies of a ledger the codec read.
LedgerKeyCopies ledger_key_copies_of(const KeyLedger& ledger);

}  // namespace cbx::op
