#pragma once
// Keeps every TeeEpoch's status current, one pass over all epochs at a time (phases are computed
// from one consistent view): asks each epoch's signer for the epoch public key with a fresh nonce
// and checks the quote; detects a signer that now derives another key (SignerKeyChanged: Failed,
// nothing more is sent to it); computes phases, entries and safeToDecommission from the
// FolderIndex; re-verifies every epoch's quote when the verifier's collateral changed; an
// attestation that is no longer accepted (a TCB recovery made the platform OutOfDate, the chain
// or the event log fails) sets Attested=False and Ready=False (reason AttestationRejected): the
// epoch leaves Active (its phase becomes Pending until a verdict is accepted again), nothing more
// is sent to its signer, a Warning event and the metric cipherbox_epoch_attestation_rejected_total
// fire; creates epoch N+1 when rotateAfter is due; drives pre-rotation (eager, rate-limited
// /v1/rewrap on the old signer, results stored in each IpnsRepublish status.migratedKey through
// adopt_migrated_key) and holds the new epoch back until it is done.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/v1alpha1/tee_epoch.h"
#include "controllers/epoch/decommission.h"
#include "controllers/epoch/folder_index.h"
#include "controllers/epoch/ports.h"
#include "controllers/epoch/pre_rotation.h"
#include "controllers/epoch/quote_chain.h"
#include "controllers/epoch/rewrap_failures.h"
#include "controllers/ledger/ledger_writer.h"

namespace cbx::op {

struct EpochReconcilerDeps {
  TeeEpochWriter& epochs;
  FolderKeyWriter& folder_keys;
  FolderReader& folders;
  const FolderIndex& index;
  EpochSignerPool& signers;
  EpochEvents& events;
  EpochMetrics& metrics;
  EpochClock& clock;
  // Pre-rotation writes each re-encrypted key here before the folder's status holds it (issue
  // 14); a key the ledger did not take is not stored and is re-encrypted again on a later pass.
  KeyLedgerWriter* ledger_writer = nullptr;
};

struct EpochReconcilerOptions {
  std::chrono::seconds key_recheck{300};  // how often a Ready epoch's key is asked for again
  double rewrap_rate = 20;                // pre-rotation: keys per second to the old signer
  // In-process quote verification (chain, collateral, TCB status). nullptr: hardware quotes get
  // no verdict (Attested=False VerifierUnavailable, never Ready); simulator epochs do not need it.
  QuoteChainVerifier* chain = nullptr;
  QuoteSecondOpinion* second_opinion = nullptr;  // optional external verifier
};

struct EpochPassResult {
  // Set while pre-rotation has keys left: run the next pass after this wait (the pace).
  std::optional<std::chrono::steady_clock::duration> rewrap_again_in;
};

class EpochReconciler {
 public:
  EpochReconciler(EpochReconcilerDeps deps, EpochReconcilerOptions options = {});
  // epochs: every TeeEpoch as cached. Error CONFLICT when a TeeEpoch changed while its status was
  // computed (the pass is retried), or the error of a failed status write.
  Result<EpochPassResult> reconcile(std::vector<TeeEpoch> epochs);

 private:
  struct PreRotationOutcome {
    bool more = false;  // keys left to rewrap: requeue soon
  };
  // (folder key, rewrap id) of the folders on each source epoch, read from the index once per
  // pass (with the entries): what this pass stores does not change what it decides.
  using SourceFolders = std::map<std::uint64_t, std::vector<std::pair<std::string, std::string>>>;

  bool check_key(TeeEpoch& epoch, SysTime now);
  void reject_attestation(TeeEpoch& epoch, Reason reason, const std::string& message, SysTime now);
  void fail_key_changed(TeeEpoch& epoch, const std::string& new_key, SysTime now);
  void check_keys(std::vector<TeeEpoch>& epochs, SysTime now);
  PreRotationOutcome pre_rotate(const PreRotationPlan& plan, const SourceFolders& on_sources,
                                std::vector<TeeEpoch>& epochs, SysTime now);
  std::size_t rewrap_batch(TeeEpoch& target, const TeeEpoch& source,
                           const std::vector<IpnsRepublish>& batch, SysTime now, bool& refused);
  Result<RewrapDestination> rewrap_destination(const TeeEpoch& target, SysTime now);
  bool only_unmigratable_left(const SourceFolders& on_sources) const;
  bool store_migrated_key(const IpnsRepublish& folder, const EncryptedKeyRef& key, SysTime now);
  void set_migrated(TeeEpoch& target, bool done, Reason reason, const std::string& message,
                    SysTime now);
  void apply_key_needs(const std::vector<TeeEpoch>& epochs, std::vector<TeeEpochStatus>& phases);
  void maybe_rotate(const std::vector<TeeEpoch>& epochs, SysTime now);
  void forget_unused(const std::vector<TeeEpoch>& epochs);
  void record_event(const TeeEpoch& epoch, bool warning, const std::string& reason,
                    const std::string& message);

  EpochReconcilerDeps deps_;
  EpochReconcilerOptions options_;
  // Pre-rotation state (one pass at a time).
  std::chrono::steady_clock::time_point next_rewrap_at_{};
  RewrapFailures rewrap_failed_;
  std::optional<std::chrono::steady_clock::time_point> refused_at_;
  std::string refused_for_;            // target epoch + approval that was refused
  std::string collateral_generation_;  // of the verdicts last applied
};

}  // namespace cbx::op
