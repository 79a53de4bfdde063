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
  auto object = ledgers_.store().get(kube::object_key(ns_, ipns_name));
  if (!object) return std::nullopt;
  auto ledger = parse_key_ledger(*object);
  if (!ledger) {
    log::warn("unreadable KeyLedger ignored",
              {{"name", ipns_name}, {"error", ledger.error().message}});
    return std::nullopt;
  }
  return std::move(*ledger);
}

bool KubeKeyLedgerStore::cached_has_pending_record(const std::string& ipns_name) const {
  if (!valid_ledger_name(ipns_name)) return false;
  auto object = ledgers_.store().get(kube::object_key(ns_, ipns_name));
  if (!object) return false;
  auto spec = object->find("spec");
  return spec != object->end() && spec->is_object() && spec->contains("pendingRecord");
}

std::vector<KeyLedger> KubeKeyLedgerStore::all_cached() const {
  std::vector<KeyLedger> out;
  ledgers_.store().for_each([&](const nlohmann::json& object) {
    if (auto ledger = parse_key_ledger(object)) out.push_back(std::move(*ledger));
  });
  return out;
}

Result<std::vector<KeyLedger>> KubeKeyLedgerStore::list_all(bool fresh) const {
  std::vector<nlohmann::json> objects;
  if (fresh) {
    auto listed = client_.list(kube::resources::kKeyLedger, ns_);
    if (!listed) return listed.error();
    objects = std::move(listed->items);
  } else {
    objects = ledgers_.store().list();
  }
  std::vector<KeyLedger> out;
  for (const auto& object : objects) {
    auto ledger = parse_key_ledger(object);
    if (!ledger) return ledger.error();
    out.push_back(std::move(*ledger));
  }
  return out;
}

}  // namespace cbx::op
