#pragma once
// One republish cycle for one folder: observe (the cached object, the time, the active epoch) ->
// decide (due policy, signing plan: pure) -> act (reserve, sign, publish, record), writing status
// between steps so that a crash anywhere resumes from status. A cycle is a pipeline, not a
// waiting thread: start() reserves and hands the request to the signer's batcher; the batch's
// answer continues the cycle (check, publish, record) on the publish executor, and `done` hears
// the outcome.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"
#include "controllers/ledger/ledger_resume.h"
#include "controllers/ledger/ledger_writer.h"
#include "controllers/republish/due_policy.h"
#include "controllers/republish/ports.h"
#include "controllers/republish/status_transitions.h"

namespace cbx::op {

struct ActiveEpoch {
  std::uint64_t epoch = 0;
  std::string signer;  // the URL of the signer serving it (controllers/epoch/signer_choice)
  SignerRef handle;    // what is signed with: from the signer pool, for that signer's spec
};

// Per folder (controllers/epoch/signer_choice): where its records are signed, if anywhere, and
// what KeyCurrent says.
struct SigningTarget {
  std::optional<ActiveEpoch> signer;  // nullopt: nothing may be sent to any signer
  KeyState key;
};

struct ReconcileResult {
  std::optional<SysTime> requeue_at;  // nullopt: wait for the next change
  std::string outcome;                // Published, NotDue, … (for metrics and logs)
};

using ReconcileDone = std::function<void(Result<ReconcileResult>)>;

struct RepublishDeps {
  StatusWriter& status;
  RecordSigner& signer;
  RecordPublisher& publisher;
  EventSink& events;
  // Optional: a key the signer re-encrypted (lazy migration) is written here before status.
  KeyLedgerWriter* ledger = nullptr;
  // Where a signed cycle continues (publish, record); nullptr: on the thread that answered.
  Executor* publish = nullptr;
};

class RepublishReconciler {
 public:
  RepublishReconciler(RepublishDeps deps, BackoffPolicy backoff = {});
  // Starts one cycle; `done` is called exactly once with its outcome: at once when nothing is
  // signed, else after the signer answered and the record was published and recorded. Error
  // only for conditions the work queue should retry with its rate limiter (CONFLICT: re-read
  // the object and try again; CYCLE_ABANDONED: the pipeline stopped before the end, status holds
  // the reservation as after a crash); everything else is recorded in status.
  // Signs with target.signer (when due) and keeps KeyCurrent = target.key; without a signer a
  // due folder fails with target.key.reason and nothing is sent.
  void start(IpnsRepublish obj, const SigningTarget& target, SysTime now, ReconcileDone done);
  // start() and wait for `done`.
  Result<ReconcileResult> reconcile(IpnsRepublish obj, const SigningTarget& target, SysTime now);
  Result<ReconcileResult> reconcile(IpnsRepublish obj, const std::optional<ActiveEpoch>& epoch,
                                    SysTime now);
  // Another IpnsRepublish (owner_key, "namespace/name") owns the same spec.ipnsName: nothing is
  // signed or published; Ready=False DuplicateName and, when that is news, a Warning event.
  // Writes what the key ledger gives a (re-)created folder (controllers/ledger/ledger_resume.h)
  // into its status, with a KeyResumed event when the key changes; returns the stored object.
  Result<IpnsRepublish> resume(IpnsRepublish obj, const Resumption& resumption);
  Result<ReconcileResult> reconcile_duplicate(IpnsRepublish obj, const std::string& owner_key,
                                              SysTime now);

 private:
  struct Cycle;
  Result<ReconcileResult> without_signing(IpnsRepublish obj, const SigningTarget& target,
                                          const DueVerdict& verdict, SysTime now);
  void sign_and_publish(IpnsRepublish obj, const ActiveEpoch& epoch, SysTime now,
                        ReconcileDone done);
  void continue_signed(const std::shared_ptr<Cycle>& cycle, const Result<SignOutcome>& outcome);
  Result<ReconcileResult> publish_pending(IpnsRepublish obj, SysTime now);
  Result<ReconcileResult> fail(IpnsRepublish obj, const std::string& reason,
                               const std::string& message, SysTime now);
  Result<ReconcileResult> write_if_changed(const IpnsRepublish& obj, const IpnsRepublishStatus& st,
                                           ReconcileResult result);

  RepublishDeps deps_;
  BackoffPolicy backoff_;
};

}  // namespace cbx::op
