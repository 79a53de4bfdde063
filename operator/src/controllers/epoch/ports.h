#pragma once
// What the epoch reconciler needs from the outside world, as small interfaces carrying domain
// types: the real implementations (app/epoch_ports.h) talk to kube-apiserver, the signers and
// Prometheus; unit tests use in-memory ones. The folders themselves come from the FolderIndex
// (controllers/epoch/folder_index.h), kept from the informer's deltas.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "api/v1alpha1/tee_epoch.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"
#include "controllers/epoch/decommission.h"
#include "controllers/epoch/signer_port.h"

namespace cbx::op {

class TeeEpochWriter {
 public:
  virtual ~TeeEpochWriter() = default;
  // Status with epoch.resource_version as precondition. Error CONFLICT when it changed.
  virtual Status write_status(const TeeEpoch& epoch, const TeeEpochStatus& status) = 0;
  // Creates TeeEpoch `name` (rotation). Error CONFLICT when it exists already.
  virtual Status create(const std::string& name, const TeeEpochSpec& spec,
                        const std::map<std::string, std::string>& labels) = 0;
};

// The IpnsRepublish objects as far as pre-rotation and the retirement re-check need them.
class FolderReader {
 public:
  virtual ~FolderReader() = default;
  // The cached object (nullopt: gone, or refused by the strict parser).
  virtual std::optional<IpnsRepublish> cached(const std::string& key) = 0;
  // Every folder's and ledger's key copies read from the API server (not the cache): the
  // re-check before an epoch is Retired.
  struct Fresh {
    std::vector<FolderKeyCopies> folders;
    std::vector<LedgerKeyCopies> ledger;
  };
  virtual Result<Fresh> read_fresh() = 0;
};

// Writes a folder's status (status.migratedKey through adopt_migrated_key) with the object's
// resourceVersion as precondition: a folder changed meanwhile is taken again on a later pass.
class FolderKeyWriter {
 public:
  virtual ~FolderKeyWriter() = default;
  virtual Status write_status(const IpnsRepublish& folder, const IpnsRepublishStatus& status) = 0;
};

class EpochEvents {
 public:
  virtual ~EpochEvents() = default;
  virtual void emit(const TeeEpoch& epoch, bool warning, const std::string& reason,
                    const std::string& message) = 0;
};

// Folder gauges the epoch reconciler refreshes on each pass (from the index, not the folders).
struct FolderCounts {
  std::map<std::uint64_t, std::int64_t> entries_per_epoch;
  std::map<std::uint64_t, double> earliest_valid_until_per_epoch;  // unix seconds
  std::int64_t due = 0;
  std::int64_t pending = 0;
  std::int64_t stalled = 0;
};

class EpochMetrics {
 public:
  virtual ~EpochMetrics() = default;
  virtual void signer_key_changed(std::uint64_t epoch) = 0;
  virtual void attestation_rejected(std::uint64_t epoch, const std::string& reason) = 0;
  virtual void set_epoch_phase(std::uint64_t epoch, const std::string& phase) = 0;
  virtual void set_epoch_attested(std::uint64_t epoch, bool attested) = 0;
  virtual void set_folder_counts(const FolderCounts& counts) = 0;
  virtual void retain_epoch_phases(const std::set<std::uint64_t>& epochs) = 0;
};

// Wall time for status timestamps and steady time for the pre-rotation pace.
class EpochClock {
 public:
  virtual ~EpochClock() = default;
  virtual SysTime now() = 0;
  virtual std::chrono::steady_clock::time_point steady_now() = 0;
};

}  // namespace cbx::op
