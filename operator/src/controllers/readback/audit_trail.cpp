#include "controllers/readback/audit_trail.h"

#include <algorithm>

#include "cbx/crypto/hash.h"

namespace cbx::op {

std::string record_sha256_hex(ByteView record) {
  auto digest = cbx::sha256(record);
  return hex_encode(ByteView(digest.data(), digest.size()));
}

bool append_publication(IpnsRepublishStatus& status, std::uint64_t epoch,
                        const SignerEvidence& evidence) {
  if (!status.published_sequence || status.last_record.empty()) return false;
  auto sequence = *status.published_sequence;
  const auto& held = status.audit_sequences;
  bool present = std::find(held.begin(), held.end(), sequence) != held.end() ||
                 std::any_of(status.audit.begin(), status.audit.end(),
                             [&](const AuditEntry& a) { return a.sequence == sequence; });
  if (present) return false;
  auto record = base64_decode(status.last_record);
  if (!record) return false;
  status.audit.push_back(AuditEntry{sequence, record_sha256_hex(*record), status.valid_until,
                                    status.last_published_at, epoch, evidence.signer,
                                    evidence.compose_hash, evidence.quote_sha256});
  if (status.audit.size() > kAuditEntries) {
    status.audit.erase(status.audit.begin(), status.audit.end() - kAuditEntries);
  }
  // audit_sequences and audit_length stay the server's ring as read: the status write compares
  // against them to append only what is new (api/v1alpha1/status_write.h).
  return true;
}

}  // namespace cbx::op
