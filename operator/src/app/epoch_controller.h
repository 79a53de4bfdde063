#pragma once
// Keeps every TeeEpoch's status current (one reconcile for all epochs, key "all", so phases are
// computed from one consistent view): asks each epoch's signer for the epoch public key with a
// fresh nonce and checks the quote; detects a signer that now derives another key
// (SignerKeyChanged: Failed, nothing more is sent to it); computes phases, entries and
// safeToDecommission from the IpnsRepublish cache; re-verifies every epoch's quote when the
// verifier's collateral changed; an attestation that is no longer accepted (a TCB recovery made
// the platform OutOfDate, the chain or the event log fails) sets Attested=False and Ready=False
// (reason AttestationRejected): the epoch leaves Active (its phase becomes Pending until a verdict
// is accepted again), nothing more is sent to its signer, a Warning event and the metric
// cipherbox_epoch_attestation_rejected_total fire; creates epoch N+1 when rotateAfter is due;
// drives pre-rotation (eager, rate-limited /v1/rewrap on the old signer, results stored in each
// IpnsRepublish status.migratedKey) and holds the new epoch back until it is done.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "app/metrics.h"
#include "app/rewrap_failures.h"
#include "app/signer_directory.h"
#include "clients/attestation_verifier.h"
#include "controllers/epoch/decommission.h"
#include "controllers/epoch/pre_rotation.h"
#include "controllers/epoch/quote_chain.h"
#include "controllers/epoch/tee_epoch.h"
#include "controllers/ledger/ledger_writer.h"
#include "controllers/republish/ipns_republish.h"
#include "kube/client.h"
#include "kube/events.h"
#include "kube/informer.h"
#include "kube/manager.h"

namespace cbx::op {

struct EpochControllerOptions {
  std::chrono::seconds key_recheck{300};    // how often a Ready epoch's key is asked for again
  std::chrono::milliseconds resync{15000};  // requeue period of the "all" key
  double rewrap_rate = 20;                  // pre-rotation: keys per second to the old signer
  // In-process quote verification (chain, collateral, TCB status). nullptr: hardware quotes get
  // no verdict (Attested=False VerifierUnavailable, never Ready); simulator epochs do not need it.
  QuoteChainVerifier* chain = nullptr;
  AttestationVerifier* second_opinion = nullptr;  // optional external verifier
  // Pre-rotation writes each re-encrypted key here before the folder's status holds it (issue
  // 14); a key the ledger did not take is not stored and is re-encrypted again on a later pass.
  KeyLedgerWriter* ledger_writer = nullptr;
  // The key ledger's copies per IPNS name (decommission.h): from the cache (fresh = false) or
  // read from the API server (fresh = true, the re-check before an epoch is Retired). Empty
  // function: no ledger; an error holds retirement (nothing is known to be safe).
  std::function<Result<std::vector<LedgerKeyCopies>>(bool fresh)> ledger;
};

class EpochController {
 public:
  static constexpr char kKey[] = "all";
  EpochController(kube::KubeClient& client, kube::Informer& epochs, kube::Informer& republishes,
                  SignerDirectory& signers, kube::EventRecorder& events, OperatorMetrics& metrics,
                  EpochControllerOptions options = {});
  Result<kube::ReconcileOutcome> reconcile(const std::string& key);

 private:
  struct Folder {
    IpnsRepublish obj;
    EncryptedKeyRef key;  // effective key
  };
  struct PreRotationOutcome {
    bool more = false;  // keys left to rewrap: requeue soon
  };

  // Returns false when the epoch's platform was found untrustworthy (attestation rejected).
  bool check_key(TeeEpoch& epoch, SysTime now);
  void reject_attestation(TeeEpoch& epoch, const std::string& reason, const std::string& message,
                          SysTime now);
  PreRotationOutcome pre_rotate(const PreRotationPlan& plan, std::vector<TeeEpoch>& epochs,
                                const std::vector<Folder>& folders, SysTime now);
  std::size_t rewrap_batch(TeeEpoch& target, const TeeEpoch& source,
                           const std::vector<const Folder*>& batch, SysTime now, bool& refused);
  Result<RewrapTarget> rewrap_target(const TeeEpoch& target, SysTime now);
  static std::string rewrap_id(const Folder& folder);
  bool only_unmigratable_left(const PreRotationPlan& plan,
                              const std::vector<Folder>& folders) const;
  bool store_migrated_key(const Folder& folder, std::uint64_t epoch, const std::string& key);
  void set_migrated(TeeEpoch& target, bool done, const std::string& reason,
                    const std::string& message, SysTime now);
  void fail_key_changed(TeeEpoch& epoch, const std::string& new_key, SysTime now);
  std::map<std::uint64_t, std::int64_t> count_entries(OperatorMetrics::FolderCounts& counts,
                                                      std::vector<Folder>& folders,
                                                      std::vector<FolderKeyCopies>& copies,
                                                      SysTime now);
  // Holds retirement and safeToDecommission while keys need an epoch (decommission.h); an epoch
  // about to be Retired is checked again against a fresh read of the folders and the ledger.
  void apply_key_needs(const std::vector<TeeEpoch>& epochs, std::vector<TeeEpochStatus>& phases,
                       const std::vector<FolderKeyCopies>& copies);
  void maybe_rotate(const std::vector<TeeEpoch>& epochs, SysTime now);
  void forget_unused(const std::vector<TeeEpoch>& epochs, const std::vector<Folder>& folders);
  void record_event(const TeeEpoch& epoch, bool warning, const std::string& reason,
                    const std::string& message);

  kube::KubeClient& client_;
  kube::Informer& epochs_;
  kube::Informer& republishes_;
  SignerDirectory& signers_;
  kube::EventRecorder& events_;
  OperatorMetrics& metrics_;
  EpochControllerOptions options_;
  // Pre-rotation state (one reconcile at a time: key "all").
  std::chrono::steady_clock::time_point next_rewrap_at_{};
  RewrapFailures rewrap_failed_;
  std::optional<std::chrono::steady_clock::time_point> refused_at_;
  std::string refused_for_;            // target epoch + approval that was refused
  std::string collateral_generation_;  // of the verdicts last applied
};

}  // namespace cbx::op
