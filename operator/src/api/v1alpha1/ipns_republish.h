#pragma once
// The IpnsRepublish custom resource as the controller sees it: spec (the user's, never written by
// the operator) and status (the operator's), parsed from and written back to JSON.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/conditions.h"
#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::op {

inline constexpr char kRepublishRequestedAnnotation[] =
    "republish.cipherbox.io/republish-requested-at";

struct IpnsRepublishSpec {
  std::string ipns_name;
  std::string cid;
  std::optional<Bytes> owner_record;
  std::string encrypted_key;  // base64, kept as text: it travels to the signer as is
  std::uint64_t key_epoch = 1;
  std::optional<std::uint64_t> sequence;
  Nanos interval = std::chrono::hours(6);
  Nanos lifetime = std::chrono::hours(48);
  Nanos ttl = std::chrono::minutes(5);
  bool suspend = false;
};

struct EncryptedKeyRef {
  std::uint64_t epoch = 0;
  std::string encrypted_key;  // base64 eciesjs ciphertext
};

struct PendingRecord {
  std::uint64_t sequence = 0;
  std::string record;  // base64
  SysTime valid_until{};
  SysTime signed_at{};
  std::string value;  // the signed value (read from the record, not stored separately)
};

// What the read-back (controllers/readback) last found on one endpoint.
struct ReadBack {
  std::string result;          // Verified | ReadBackMismatch | Unreachable
  std::uint64_t sequence = 0;  // status.publishedSequence the check was made for
  std::optional<SysTime> checked_at;
  std::uint32_t failures = 0;  // consecutive checks that were not Verified
  std::string message;
  // The last record found valid there (kept through later failed checks).
  std::optional<std::uint64_t> verified_sequence;
  std::optional<SysTime> verified_valid_until;
  std::optional<SysTime> verified_at;
};

struct EndpointStatus {
  std::string url;
  std::optional<std::uint64_t> published_sequence;
  std::optional<SysTime> last_attempt_at;
  std::optional<SysTime> last_success_at;
  std::optional<SysTime> retry_after;
  std::string message;
  std::optional<ReadBack> read_back;
};

// One publication in the audit ring (status.audit, newest last): enough to check offline that a
// record routing serves is the one published, and which attested signer made it.
struct AuditEntry {
  std::uint64_t sequence = 0;
  std::string record_sha256;  // hex of SHA-256 over the marshaled record
  std::optional<SysTime> valid_until;
  std::optional<SysTime> published_at;
  std::uint64_t epoch = 0;
  std::string signer;        // the epoch's signer in use (TeeEpoch status.signer.url)
  std::string compose_hash;  // its attested compose hash
  std::string quote_sha256;  // TeeEpoch status.attestation.quoteSha256
};
inline constexpr std::size_t kAuditEntries = 16;

struct Failures {
  std::uint32_t count = 0;
  std::string reason;
  std::string message;
  std::optional<SysTime> last_attempt_at;
};

struct IpnsRepublishStatus {
  std::optional<std::uint64_t> sequence;
  std::optional<std::uint64_t> published_sequence;
  std::string published_cid;
  std::optional<SysTime> last_published_at;
  std::optional<SysTime> valid_until;
  std::optional<SysTime> next_republish_at;
  std::optional<std::uint64_t> key_epoch;
  std::optional<EncryptedKeyRef> migrated_key;
  std::optional<PendingRecord> pending;
  std::string last_record;           // base64 of the last record published
  std::string last_handled_request;  // the manual-trigger annotation value last acted on
  std::vector<EndpointStatus> endpoints;
  // The audit ring. Every decode reads the server's ring length and sequences; whole entries
  // only where asked for (AuditDetail::kEntries: the CLI) or appended by this process
  // (append_publication). The informer's cache keeps none: a status write appends new entries
  // to the server's ring (status_write.h) instead of rewriting it.
  std::vector<AuditEntry> audit;
  std::vector<std::uint64_t> audit_sequences;  // of the server's ring, oldest first
  std::size_t audit_length = 0;                // entries in the server's ring (0: none, or no array)
  Failures failures;
  std::int64_t observed_generation = 0;
  std::vector<Condition> conditions;
};

struct IpnsRepublish {
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  std::optional<SysTime> created_at;  // metadata.creationTimestamp
  std::string requested_at;           // annotation value, empty when absent
  IpnsRepublishSpec spec;
  IpnsRepublishStatus status;
  // Set (by decode_ipns_republish) when spec could not be read: such an object is cached, so
  // that its deletion and claims are seen, but never signed. spec then holds only ipnsName.
  std::optional<Error> invalid_spec;

  std::string key() const { return ns + "/" + name; }
};

// Whether status.audit is read in full or as its sequences only (what the operator decides on).
enum class AuditDetail { kEntries, kSequences };

// Parses a whole object (metadata, spec, status). Spec errors come back as Error{"INVALID_SPEC"}
// naming the field; status fields the operator cannot read are treated as absent.
Result<IpnsRepublish> parse_ipns_republish(const nlohmann::json& object,
                                           AuditDetail audit = AuditDetail::kEntries);
// The same for the informer's typed cache: never fails; an unreadable spec is kept in
// invalid_spec (an object that is not a Kubernetes object has empty metadata).
IpnsRepublish decode_ipns_republish(const nlohmann::json& object,
                                    AuditDetail audit = AuditDetail::kEntries);
// Every status field but status.audit, with explicit nulls for absent ones (a merge patch body).
nlohmann::json status_to_json(const IpnsRepublishStatus& status);
nlohmann::json audit_entry_to_json(const AuditEntry& entry);

// The key the signer should use: a migrated key on a newer epoch than the user's wins.
EncryptedKeyRef effective_key(const IpnsRepublish& obj);

// Sequences travel as decimal strings (64-bit values do not survive every JSON client); plain
// JSON integers are accepted too.
std::optional<std::uint64_t> sequence_from_json(const nlohmann::json& value);
std::string sequence_to_string(std::uint64_t value);

}  // namespace cbx::op
