#include "controllers/ledger/ledger_writer.h"

namespace cbx::op {

Result<bool> KeyLedgerWriter::update(const std::string& ipns_name,
                                     const std::function<bool(KeyLedger&)>& change) {
  Error last = make_error("CONFLICT", "no attempt made");
  for (int attempt = 0; attempt < attempts_; ++attempt) {
    auto current = store_.get(ipns_name);
    if (!current) return current.error();
    KeyLedger ledger = *current ? std::move(**current) : new_key_ledger(ipns_name);
    if (!change(ledger)) return false;
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
