#pragma once
// The epoch reconciler's ports (controllers/epoch/ports.h) implemented on the Kubernetes API, the
// informer caches, the signer directory and the operator's metrics; and the feed that keeps the
// FolderIndex from the IpnsRepublish and KeyLedger informers' deltas.
#include <string>

#include "app/folder_informer.h"
#include "app/ledger_informer.h"
#include "app/metrics.h"
#include "app/signer_directory.h"
#include "controllers/epoch/folder_index.h"
#include "controllers/epoch/ports.h"
#include "kube/client.h"
#include "kube/events.h"
#include "kube/informer.h"

namespace cbx::op {

class KubeTeeEpochWriter : public TeeEpochWriter {
 public:
  explicit KubeTeeEpochWriter(kube::KubeClient& client) : client_(client) {}
  Status write_status(const TeeEpoch& epoch, const TeeEpochStatus& status) override;
  Status create(const std::string& name, const TeeEpochSpec& spec,
                const std::map<std::string, std::string>& labels) override;

 private:
  kube::KubeClient& client_;
};

class KubeFolderKeyWriter : public FolderKeyWriter {
 public:
  explicit KubeFolderKeyWriter(kube::KubeClient& client) : client_(client) {}
  Status write_status(const IpnsRepublish& folder, const IpnsRepublishStatus& status) override;

 private:
  kube::KubeClient& client_;
};

// Cached folders from the IpnsRepublish informer; fresh reads (all namespaces for folders, the
// operator's namespace for KeyLedgers) from the API server.
class KubeFolderReader : public FolderReader {
 public:
  KubeFolderReader(kube::KubeClient& client, FolderInformer& republishes,
                   std::string ledger_namespace, bool with_ledger)
      : client_(client),
        republishes_(republishes),
        ledger_namespace_(std::move(ledger_namespace)),
        with_ledger_(with_ledger) {}
  std::optional<IpnsRepublish> cached(const std::string& key) override;
  Result<Fresh> read_fresh() override;

 private:
  kube::KubeClient& client_;
  FolderInformer& republishes_;
  std::string ledger_namespace_;
  bool with_ledger_;
};

class DirectorySignerPool : public EpochSignerPool {
 public:
  explicit DirectorySignerPool(SignerDirectory& directory) : directory_(directory) {}
  Result<std::shared_ptr<EpochSigner>> signer_for(const SignerSpec& spec) override;
  void retain(const std::set<std::string>& in_use) override { directory_.retain(in_use); }

 private:
  SignerDirectory& directory_;
};

class KubeEpochEvents : public EpochEvents {
 public:
  explicit KubeEpochEvents(kube::EventRecorder& recorder) : recorder_(recorder) {}
  void emit(const TeeEpoch& epoch, bool warning, const std::string& reason,
            const std::string& message) override;

 private:
  kube::EventRecorder& recorder_;
};

class PrometheusEpochMetrics : public EpochMetrics {
 public:
  explicit PrometheusEpochMetrics(OperatorMetrics& metrics) : metrics_(metrics) {}
  void signer_key_changed(std::uint64_t epoch) override { metrics_.signer_key_changed(epoch); }
  void attestation_rejected(std::uint64_t epoch, const std::string& reason) override {
    metrics_.attestation_rejected(epoch, reason);
  }
  void set_epoch_phase(std::uint64_t epoch, const std::string& phase) override {
    metrics_.set_epoch_phase(epoch, phase);
  }
  void set_epoch_attested(std::uint64_t epoch, bool attested) override {
    metrics_.set_epoch_attested(epoch, attested);
  }
  void set_folder_counts(const FolderCounts& counts) override;
  void retain_epoch_phases(const std::set<std::uint64_t>& epochs) override {
    metrics_.retain_epoch_phases(epochs);
  }

 private:
  OperatorMetrics& metrics_;
};

class SystemEpochClock : public EpochClock {
 public:
  SysTime now() override {
    return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  }
  std::chrono::steady_clock::time_point steady_now() override {
    return std::chrono::steady_clock::now();
  }
};

// Registers handlers (before the informers run) that keep `index` in step with every delta.
// ledgers: nullptr when there is no key ledger.
void feed_folder_index(FolderInformer& republishes, LedgerInformer* ledgers, FolderIndex& index);

}  // namespace cbx::op
