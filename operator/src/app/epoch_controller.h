#pragma once
// Keeps every TeeEpoch's status current (one reconcile for all epochs, key "all", so phases are
// computed from one consistent view): asks each epoch's signer for the epoch public key with a
// fresh nonce and checks the quote; detects a signer that now derives another key
// (SignerKeyChanged: Failed, nothing more is sent to it); computes phases, entries and
// safeToDecommission from the IpnsRepublish cache; creates epoch N+1 when rotateAfter is due.
#include <chrono>
#include <string>

#include "app/metrics.h"
#include "app/signer_directory.h"
#include "controllers/epoch/tee_epoch.h"
#include "kube/client.h"
#include "kube/events.h"
#include "kube/informer.h"
#include "kube/manager.h"

namespace cbx::op {

struct EpochControllerOptions {
  std::chrono::seconds key_recheck{300};  // how often a Ready epoch's key is asked for again
};

class EpochController {
 public:
  static constexpr char kKey[] = "all";
  EpochController(kube::KubeClient& client, kube::Informer& epochs, kube::Informer& republishes,
                  SignerDirectory& signers, kube::EventRecorder& events, OperatorMetrics& metrics,
                  EpochControllerOptions options = {});
  Result<kube::ReconcileOutcome> reconcile(const std::string& key);

 private:
  void check_key(TeeEpoch& epoch, SysTime now);
  void fail_key_changed(TeeEpoch& epoch, const std::string& new_key, SysTime now);
  std::map<std::uint64_t, std::int64_t> count_entries(OperatorMetrics::FolderCounts& counts,
                                                      SysTime now);
  void maybe_rotate(const std::vector<TeeEpoch>& epochs, SysTime now);
  void record_event(const TeeEpoch& epoch, bool warning, const std::string& reason,
                    const std::string& message);

  kube::KubeClient& client_;
  kube::Informer& epochs_;
  kube::Informer& republishes_;
  SignerDirectory& signers_;
  kube::EventRecorder& events_;
  OperatorMetrics& metrics_;
  EpochControllerOptions options_;
};

}  // namespace cbx::op
