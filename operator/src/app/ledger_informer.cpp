#include "app/ledger_informer.h"

#include "controllers/epoch/ledger_copies.h"
#include "kube/resource.h"
#include "kube/store.h"

namespace cbx::op {
namespace {

bool holds_pending_record(const nlohmann::json& object) {
  if (!object.is_object()) return false;
  auto spec = object.find("spec");
  return spec != object.end() && spec->is_object() && spec->contains("pendingRecord");
}

}  // namespace

CachedLedger decode_cached_ledger(const nlohmann::json& object) {
  CachedLedger out;
  out.ns = kube::metadata_field(object, "namespace");
  out.name = kube::metadata_field(object, "name");
  out.resource_version = kube::metadata_field(object, "resourceVersion");
  out.has_pending_record = holds_pending_record(object);
  try {
    auto ledger = parse_key_ledger(object);
    if (ledger) {
      out.ledger = std::move(*ledger);
    } else {
      out.error = ledger.error().message;
    }
  } catch (const std::exception& e) {
    out.error = std::string("unreadable: ") + e.what();
  }
  // Unreadable: no epoch is known, so it holds every one (named by metadata.name, as
  // ledger_key_copies_of(json) names it).
  out.copies =
      out.ledger ? ledger_key_copies_of(*out.ledger) : LedgerKeyCopies{out.name, {}, false};
  return out;
}

LedgerInformer& add_ledger_informer(kube::Manager& manager, const std::string& ns) {
  kube::InformerOptions options;
  options.namespace_name = ns;
  options.transform = nullptr;  // managedFields are never decoded: no need to strip them first
  return manager.add_typed_informer<CachedLedger>(
      kube::resources::kKeyLedger,
      [](nlohmann::json&& object) { return decode_cached_ledger(object); }, options);
}

}  // namespace cbx::op
