#include "app/kube_key_ledger_store.h"

#include "cbx/base/log.h"
#include "kube/resource.h"

namespace cbx::op {

Result<std::optional<KeyLedger>> KubeKeyLedgerStore::get(const std::string& ipns_name) {
  if (!valid_ledger_name(ipns_name)) return make_error("INVALID_LEDGER", "not a ledger name");
  auto object = client_.get(kube::resources::kKeyLedger, ns_, ipns_name);
  if (!object) {
    if (object.error().code == "NOT_FOUND") return std::optional<KeyLedger>{};
    return object.error();
  }
  auto ledger = parse_key_ledger(*object);
  if (!ledger) return ledger.error();
  return std::optional(std::move(*ledger));
}

Result<KeyLedger> KubeKeyLedgerStore::put(const KeyLedger& ledger) {
  if (!valid_ledger_name(ledger.ipns_name))
    return make_error("INVALID_LEDGER", "not a ledger name");
  auto object = key_ledger_to_object(ledger, ns_);
  auto written = ledger.resource_version.empty()
                     ? client_.create(kube::resources::kKeyLedger, ns_, object)
                     : client_.update(kube::resources::kKeyLedger, ns_, ledger.ipns_name, object);
  if (!written) return written.error();
  return parse_key_ledger(*written);
}

Status KubeKeyLedgerStore::remove(const KeyLedger& ledger) {
  return client_.remove(kube::resources::kKeyLedger, ns_, ledger.ipns_name);
}

std::optional<KeyLedger> KubeKeyLedgerStore::cached(const std::string& ipns_name) const {
  if (!valid_ledger_name(ipns_name)) return std::nullopt;
  auto object = ledgers_.store().get_shared(kube::object_key(ns_, ipns_name));
  if (!object) return std::nullopt;
  if (!object->ledger) {
    log::warn("unreadable KeyLedger ignored", {{"name", ipns_name}, {"error", object->error}});
    return std::nullopt;
  }
  return *object->ledger;
}

bool KubeKeyLedgerStore::cached_has_pending_record(const std::string& ipns_name) const {
  if (!valid_ledger_name(ipns_name)) return false;
  auto object = ledgers_.store().get_shared(kube::object_key(ns_, ipns_name));
  return object && object->has_pending_record;
}

std::vector<KeyLedger> KubeKeyLedgerStore::all_cached() const {
  std::vector<KeyLedger> out;
  ledgers_.store().for_each([&](const CachedLedger& object) {
    if (object.ledger) out.push_back(*object.ledger);
  });
  return out;
}

Result<std::vector<KeyLedger>> KubeKeyLedgerStore::list_all(bool fresh) const {
  std::vector<KeyLedger> out;
  if (!fresh) {
    for (const auto& object : ledgers_.store().list_shared()) {
      if (!object->ledger) return make_error("INVALID_LEDGER", object->error);
      out.push_back(*object->ledger);
    }
    return out;
  }
  auto listed = client_.list(kube::resources::kKeyLedger, ns_);
  if (!listed) return listed.error();
  for (const auto& object : listed->items) {
    auto ledger = parse_key_ledger(object);
    if (!ledger) return ledger.error();
    out.push_back(std::move(*ledger));
  }
  return out;
}

}  // namespace cbx::op
