#pragma once
// A KeyLedgerStore in memory for unit tests.
#include <map>
#include <string>

#include "controllers/ledger/ledger_store.h"

namespace cbx::op::testing {

// In memory, with resourceVersions; can fail the next puts with CONFLICT, or hold an unreadable
// object.
class MemoryLedgerStore : public KeyLedgerStore {
 public:
  Result<std::optional<KeyLedger>> get(const std::string& name) override {
    ++gets;
    if (invalid) return make_error("INVALID_LEDGER", "spec.keys: two entries for epoch 2");
    auto it = objects.find(name);
    if (it == objects.end()) return std::optional<KeyLedger>{};
    return std::optional(it->second);
  }
  Result<KeyLedger> put(const KeyLedger& ledger) override {
    ++puts;
    if (conflicts > 0) {
      --conflicts;
      // someone else wrote meanwhile
      auto& other = objects[ledger.ipns_name];
      other.ipns_name = ledger.ipns_name;
      other.resource_version = std::to_string(++version);
      return make_error("CONFLICT", "stale");
    }
    auto it = objects.find(ledger.ipns_name);
    std::string current = it == objects.end() ? "" : it->second.resource_version;
    if (ledger.resource_version != current) return make_error("CONFLICT", "stale");
    KeyLedger stored = ledger;
    stored.resource_version = std::to_string(++version);
    objects[ledger.ipns_name] = stored;
    return stored;
  }
  Status remove(const KeyLedger& ledger) override {
    objects.erase(ledger.ipns_name);
    return ok_status();
  }

  std::map<std::string, KeyLedger> objects;
  int conflicts = 0;
  bool invalid = false;
  int gets = 0, puts = 0, version = 0;
};

}  // namespace cbx::op::testing
