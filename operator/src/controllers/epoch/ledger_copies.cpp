#include "controllers/epoch/ledger_copies.h"

#include "api/v1alpha1/key_ledger.h"
#include "kube/store.h"

namespace cbx::op {
LedgerKeyCopies ledger_key_copies_of(const nlohmann::json& object) {
  Result<KeyLedger> ledger = make_error("INVALID_OBJECT", "unreadable");
  try {
    ledger = parse_key_ledger(object);
  } catch (const std::exception&) {
  }
  // metadata.name is the IPNS name by the ledger's design; "" when not even that is readable.
  if (!ledger) return LedgerKeyCopies{kube::metadata_field(object, "name"), {}, false};
  return ledger_key_copies_of(*ledger);
}

LedgerKeyCopies ledger_key_copies_of(const KeyLedger& ledger) {
  LedgerKeyCopies copies{ledger.ipns_name, {}, true};
  for (const auto& key : ledger.keys) copies.epochs.insert(key.epoch);
  return copies;
}

std::vector<LedgerKeyCopies> ledger_key_copies(const std::vector<nlohmann::json>& objects) {
  std::vector<LedgerKeyCopies> out;
  out.reserve(objects.size());
  for (const auto& object : objects) out.push_back(ledger_key_copies_of(object));
  return out;
}

}  // namespace cbx::op
