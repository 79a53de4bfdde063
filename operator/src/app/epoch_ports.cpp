#include "app/epoch_ports.h"

#include "app/client_epoch_signer.h"
#include "app/kube_ports.h"
#include "cbx/base/log.h"
#include "controllers/epoch/ledger_copies.h"
#include "kube/resource.h"
#include "kube/store.h"

namespace cbx::op {
namespace {

nlohmann::json epoch_reference(const TeeEpoch& e) {
  return {{"apiVersion", kube::resources::kTeeEpoch.api_version()},
          {"kind", kube::resources::kTeeEpoch.kind},
          {"metadata", {{"name", e.name}, {"resourceVersion", e.resource_version}}}};
}

nlohmann::json signer_to_json(const SignerSpec& s) {
  nlohmann::json signer = {{"url", s.url}, {"insecureSimulator", s.insecure_simulator}};
  if (!s.auth_secret_name.empty()) {
    signer["authSecretRef"] = {{"name", s.auth_secret_name}, {"key", s.auth_secret_key}};
  }
  if (!s.compose_hash.empty()) signer["composeHash"] = s.compose_hash;
  if (!s.app_id.empty()) signer["appId"] = s.app_id;
  signer["acceptedTcbStatuses"] = s.accepted_tcb_statuses;
  if (!s.ca_bundle.empty()) signer["caBundle"] = s.ca_bundle;
  return signer;
}

}  // namespace

Status KubeTeeEpochWriter::write_status(const TeeEpoch& epoch, const TeeEpochStatus& status) {
  auto written = client_.patch_status(kube::resources::kTeeEpoch, "", epoch.name,
                                      epoch.resource_version, tee_epoch_status_to_json(status));
  if (!written) return written.error();
  return ok_status();
}

Status KubeTeeEpochWriter::create(const std::string& name, const TeeEpochSpec& spec,
                                  const std::map<std::string, std::string>& labels) {
  nlohmann::json json_spec = {{"epoch", spec.epoch},
                              {"signer", signer_to_json(spec.signer)},
                              {"gracePeriod", format_duration(spec.grace_period)}};
  if (spec.rotate_after) json_spec["rotateAfter"] = format_duration(*spec.rotate_after);
  if (!spec.approval.empty()) json_spec["approval"] = spec.approval;
  nlohmann::json object = {{"apiVersion", kube::resources::kTeeEpoch.api_version()},
                           {"kind", kube::resources::kTeeEpoch.kind},
                           {"metadata", {{"name", name}, {"labels", labels}}},
                           {"spec", json_spec}};
  auto created = client_.create(kube::resources::kTeeEpoch, "", object);
  if (!created) return created.error();
  return ok_status();
}

Status KubeFolderKeyWriter::write_status(const IpnsRepublish& folder,
                                         const IpnsRepublishStatus& status) {
  auto written = patch_folder_status(client_, folder, status);
  if (!written) return written.error();
  return ok_status();
}

std::optional<IpnsRepublish> KubeFolderReader::cached(const std::string& key) {
  auto cached = republishes_.store().get_shared(key);
  if (!cached || cached->invalid_spec) return std::nullopt;
  return IpnsRepublish(*cached);
}

Result<FolderReader::Fresh> KubeFolderReader::read_fresh() {
  auto folders = client_.list(kube::resources::kIpnsRepublish, "");
  if (!folders) return folders.error();
  Fresh fresh;
  for (const auto& object : folders->items) fresh.folders.push_back(folder_key_copies(object));
  if (with_ledger_) {
    auto ledgers = client_.list(kube::resources::kKeyLedger, ledger_namespace_);
    if (!ledgers) return ledgers.error();
    fresh.ledger = ledger_key_copies(ledgers->items);
  }
  return fresh;
}

Result<std::shared_ptr<EpochSigner>> DirectorySignerPool::signer_for(const SignerSpec& spec) {
  auto client = directory_.client_for(spec);
  if (!client) return client.error();
  return std::shared_ptr<EpochSigner>(std::make_shared<ClientEpochSigner>(std::move(*client)));
}

void KubeEpochEvents::emit(const TeeEpoch& epoch, bool warning, const std::string& reason,
                           const std::string& message) {
  auto recorded = recorder_.record(epoch_reference(epoch),
                                   warning ? kube::EventType::warning : kube::EventType::normal,
                                   reason, reason, message);
  if (!recorded) log::warn("event not recorded", {{"epoch", epoch.spec.epoch}, {"reason", reason}});
}

void PrometheusEpochMetrics::set_folder_counts(const FolderCounts& counts) {
  metrics_.set_folder_counts(counts);
}

void feed_folder_index(FolderInformer& republishes, LedgerInformer* ledgers, FolderIndex& index) {
  // The typed cache decoded the object once; the index keeps what the epoch reconciler reads.
  auto upsert = [&index](const CachedFolder& folder) {
    IndexedFolder entry = folder.invalid_spec ? IndexedFolder{} : index_entry(folder);
    entry.copies = folder.key_copies();  // read leniently: refused objects count too
    index.upsert(folder.key(), std::move(entry));
  };
  republishes.add_handlers(
      {upsert, [upsert](const CachedFolder&, const CachedFolder& folder) { upsert(folder); },
       [&index](const CachedFolder& last_known) { index.remove(last_known.key()); }});
  if (!ledgers) return;
  auto upsert_ledger = [&index](const CachedLedger& ledger) {
    index.upsert_ledger(ledger.key(), ledger.copies);
  };
  ledgers->add_handlers(
      {upsert_ledger,
       [upsert_ledger](const CachedLedger&, const CachedLedger& ledger) { upsert_ledger(ledger); },
       [&index](const CachedLedger& last_known) { index.remove_ledger(last_known.key()); }});
}

}  // namespace cbx::op
