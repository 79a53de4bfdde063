#pragma once
// Every reason the operator writes: condition reasons of IpnsRepublish and TeeEpoch, the event
// reasons that share their vocabulary, and the reconcile outcomes of the republish cycle. One
// enum, its wire string in one table (reasons.cpp). The strings are an API: `kubectl wait
// --for=condition=…`, the e2e scripts and the README's reasons table read them, so a string
// never changes; a new reason gets a new entry.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cbx::op {

enum class Reason {
  // IpnsRepublish: Ready / Published / Stalled / NetworkAhead / LifetimeCapped.
  kSigned,
  kPublished,
  kProgressing,
  kRetrying,
  kInSync,
  kNetworkAhead,
  kSignerCap,
  kAsRequested,
  kAwaitingOwnerRecord,
  kNoOwnerRecord,
  kDuplicateName,
  kRoutingLookupFailed,
  kSignerUnavailable,
  kSignerProtocolError,
  kSignedRecordRejected,
  kPublishFailed,
  kInvalidSpec,        // "INVALID_SPEC": the spec cannot be signed for (terminal)
  kSequenceExhausted,  // "SEQUENCE_EXHAUSTED"
  // IpnsRepublish: KeyCurrent.
  kKeyCurrent,
  kKeyOnOlderEpoch,
  kKeyMigrationPending,
  kKeyMigrationRequired,
  kEpochNotReady,
  kNoActiveEpoch,
  // IpnsRepublish: Resolvable (read-back) and its event.
  kServed,
  kValidityBelowMargin,
  kNotServed,
  kReadBackMismatch,
  // IpnsRepublish events.
  kKeyResumed,
  kKeyMigrated,
  // The republish cycle's outcomes (due policy; logs and metrics, never a condition).
  kSuspended,
  kBackingOff,
  kPendingUnpublished,
  kPendingNearExpiry,
  kPendingDropped,
  kCycleInterrupted,
  kSpecChanged,
  kManualTrigger,
  kInitial,
  kScheduled,
  kNotDue,
  // TeeEpoch: Ready / SignerAdopted.
  kKeyVerified,
  kSignerKeyChanged,
  kSignerTokenUnavailable,
  kAttestationRejected,
  kKeysDiffer,
  // TeeEpoch: Attested.
  kVerified,
  kSimulated,
  kChainNotVerified,
  kQuoteRejected,
  kTcbStatusNotAccepted,
  kVerifierUnavailable,
  kSecondOpinionRejected,
  // TeeEpoch: Attested, the epoch key check's own refusals (their error codes are the reason).
  kEpochMismatch,
  kBadPublicKey,
  kBadQuote,
  kReportDataMismatch,
  kSimulatedNotAllowed,
  kComposeHashNotPinned,
  kComposeHashMismatch,
  kAppIdMismatch,
  kEventLogInvalid,
  kEventLogIncomplete,
  kEventDigestMismatch,
  kRtmrMismatch,
  // TeeEpoch: Migrated (pre-rotation).
  kAllKeysMigrated,
  kLazyMigration,
  kMigrating,
  kApprovalRequired,
  kApprovalInvalid,
  kTargetNotAttested,
  // TeeEpoch events.
  kRotationStarted,
  kPhasePending,
  kPhaseActive,
  kPhaseSuperseded,
  kPhaseRetired,
  kPhaseFailed,
};

struct ReasonName {
  Reason reason;
  std::string_view text;
};

// The table itself, in enum order (the unit test and the README check walk it).
std::span<const ReasonName> all_reasons();

const char* to_string(Reason reason);
// nullopt for a string no entry carries (an older or newer operator's reason read back from
// status, an unforeseen error code): callers decide what an unknown reason means.
std::optional<Reason> parse_reason(std::string_view text);

// For an error code that becomes a reason (the epoch key check's refusals, the signing plan's):
// its entry, or `fallback` when the table has none.
Reason reason_from_code(std::string_view code, Reason fallback);

}  // namespace cbx::op
