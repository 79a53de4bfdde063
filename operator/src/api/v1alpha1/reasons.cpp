#include "api/v1alpha1/reasons.h"

#include <iterator>

namespace cbx::op {
namespace {

constexpr ReasonName kReasons[] = {
    {Reason::kSigned, "Signed"},
    {Reason::kPublished, "Published"},
    {Reason::kProgressing, "Progressing"},
    {Reason::kRetrying, "Retrying"},
    {Reason::kInSync, "InSync"},
    {Reason::kNetworkAhead, "NetworkAhead"},
    {Reason::kSignerCap, "SignerCap"},
    {Reason::kAsRequested, "AsRequested"},
    {Reason::kAwaitingOwnerRecord, "AwaitingOwnerRecord"},
    {Reason::kNoOwnerRecord, "NoOwnerRecord"},
    {Reason::kDuplicateName, "DuplicateName"},
    {Reason::kRoutingLookupFailed, "RoutingLookupFailed"},
    {Reason::kSignerUnavailable, "SignerUnavailable"},
    {Reason::kSignerProtocolError, "SignerProtocolError"},
    {Reason::kSignedRecordRejected, "SignedRecordRejected"},
    {Reason::kPublishFailed, "PublishFailed"},
    {Reason::kInvalidSpec, "INVALID_SPEC"},
    {Reason::kSequenceExhausted, "SEQUENCE_EXHAUSTED"},
    {Reason::kKeyCurrent, "KeyCurrent"},
    {Reason::kKeyOnOlderEpoch, "KeyOnOlderEpoch"},
    {Reason::kKeyMigrationPending, "KeyMigrationPending"},
    {Reason::kKeyMigrationRequired, "KeyMigrationRequired"},
    {Reason::kEpochNotReady, "EpochNotReady"},
    {Reason::kNoActiveEpoch, "NoActiveEpoch"},
    {Reason::kServed, "Served"},
    {Reason::kValidityBelowMargin, "ValidityBelowMargin"},
    {Reason::kNotServed, "NotServed"},
    {Reason::kReadBackMismatch, "ReadBackMismatch"},
    {Reason::kKeyResumed, "KeyResumed"},
    {Reason::kKeyMigrated, "KeyMigrated"},
    {Reason::kSuspended, "Suspended"},
    {Reason::kBackingOff, "BackingOff"},
    {Reason::kPendingUnpublished, "PendingUnpublished"},
    {Reason::kPendingNearExpiry, "PendingNearExpiry"},
    {Reason::kPendingDropped, "PendingDropped"},
    {Reason::kCycleInterrupted, "CycleInterrupted"},
    {Reason::kSpecChanged, "SpecChanged"},
    {Reason::kManualTrigger, "ManualTrigger"},
    {Reason::kInitial, "Initial"},
    {Reason::kScheduled, "Scheduled"},
    {Reason::kNotDue, "NotDue"},
    {Reason::kKeyVerified, "KeyVerified"},
    {Reason::kSignerKeyChanged, "SignerKeyChanged"},
    {Reason::kSignerTokenUnavailable, "SignerTokenUnavailable"},
    {Reason::kAttestationRejected, "AttestationRejected"},
    {Reason::kKeysDiffer, "KeysDiffer"},
    {Reason::kVerified, "Verified"},
    {Reason::kSimulated, "Simulated"},
    {Reason::kChainNotVerified, "ChainNotVerified"},
    {Reason::kQuoteRejected, "QuoteRejected"},
    {Reason::kTcbStatusNotAccepted, "TcbStatusNotAccepted"},
    {Reason::kVerifierUnavailable, "VerifierUnavailable"},
    {Reason::kSecondOpinionRejected, "SecondOpinionRejected"},
    {Reason::kEpochMismatch, "EPOCH_MISMATCH"},
    {Reason::kBadPublicKey, "BAD_PUBLIC_KEY"},
    {Reason::kBadQuote, "BAD_QUOTE"},
    {Reason::kReportDataMismatch, "REPORT_DATA_MISMATCH"},
    {Reason::kSimulatedNotAllowed, "SIMULATED_NOT_ALLOWED"},
    {Reason::kComposeHashNotPinned, "COMPOSE_HASH_NOT_PINNED"},
    {Reason::kComposeHashMismatch, "COMPOSE_HASH_MISMATCH"},
    {Reason::kAppIdMismatch, "APP_ID_MISMATCH"},
    {Reason::kEventLogInvalid, "EVENT_LOG_INVALID"},
    {Reason::kEventLogIncomplete, "EVENT_LOG_INCOMPLETE"},
    {Reason::kEventDigestMismatch, "EVENT_DIGEST_MISMATCH"},
    {Reason::kRtmrMismatch, "RTMR_MISMATCH"},
    {Reason::kAllKeysMigrated, "AllKeysMigrated"},
    {Reason::kLazyMigration, "LazyMigration"},
    {Reason::kMigrating, "Migrating"},
    {Reason::kApprovalRequired, "ApprovalRequired"},
    {Reason::kApprovalInvalid, "ApprovalInvalid"},
    {Reason::kTargetNotAttested, "TargetNotAttested"},
    {Reason::kRotationStarted, "RotationStarted"},
    {Reason::kPhasePending, "PhasePending"},
    {Reason::kPhaseActive, "PhaseActive"},
    {Reason::kPhaseSuperseded, "PhaseSuperseded"},
    {Reason::kPhaseRetired, "PhaseRetired"},
    {Reason::kPhaseFailed, "PhaseFailed"},
};

// Every enum value has its entry, at its own index: to_string is an index, never a search.
constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < std::size(kReasons); ++i) {
    if (static_cast<std::size_t>(kReasons[i].reason) != i) return false;
  }
  return std::size(kReasons) == static_cast<std::size_t>(Reason::kPhaseFailed) + 1;
}
static_assert(in_enum_order(), "kReasons must list every Reason once, in enum order");

}  // namespace

std::span<const ReasonName> all_reasons() {
  return kReasons;
}

const char* to_string(Reason reason) {
  auto index = static_cast<std::size_t>(reason);
  return index < std::size(kReasons) ? kReasons[index].text.data() : "Unknown";
}

std::optional<Reason> parse_reason(std::string_view text) {
  for (const auto& entry : kReasons) {
    if (entry.text == text) return entry.reason;
  }
  return std::nullopt;
}

Reason reason_from_code(std::string_view code, Reason fallback) {
  return parse_reason(code).value_or(fallback);
}

}  // namespace cbx::op
