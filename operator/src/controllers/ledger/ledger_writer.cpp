#include "controllers/ledger/ledger_writer.h"

namespace cbx::op {

Result<bool> KeyLedgerWriter::update(const std::string& ipns_name,
                                     const std::function<bool(KeyLedger&)>& change,
                                     std::optional<std::optional<KeyLedger>> cached) {
  Error last = make_error("CONFLICT", "no attempt made");
  for (int attempt = 0; attempt < attempts_; ++attempt) {
    bool from_cache = attempt == 0 && cached.has_value();
    Result<std::optional<KeyLedger>> current =
        from_cache ? Result<std::optional<KeyLedger>>(std::move(*cached)) : store_.get(ipns_name);
    if (!current) return current.error();
    KeyLedger ledger = *current ? std::move(**current) : new_key_ledger(ipns_name);
    // A cached copy may be stale: "nothing to change" is only believed from the API server.
    if (!change(ledger)) {
      if (from_cache) continue;
      return false;
    }
    auto written = store_.put(ledger);
    if (written) return true;
    last = written.error();
    if (last.code != "CONFLICT" && last.code != "ALREADY_EXISTS") return last;
  }
  return last;
}

Result<bool> KeyLedgerWriter::record(const std::string& ipns_name, const EncryptedKeyRef& key,
                                     const std::string& source, SysTime now) {
  return update(ipns_name, [&](KeyLedger& ledger) { return record_key(ledger, key, source, now); });
}

}  // namespace cbx::op
