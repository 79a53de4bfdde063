#pragma once
// The audit ring in status (status.audit): one compact entry per publication the read-back sees,
// newest last, at most kAuditEntries. `cipherbox-republish audit` checks it against what routing
// serves (cli/audit_check).
#include <cstdint>
#include <string>

#include "api/v1alpha1/ipns_republish.h"

namespace cbx::op {

// Who signed: the epoch's signer identity and attestation as its TeeEpoch status says.
struct SignerEvidence {
  std::string signer;
  std::string compose_hash;
  std::string quote_sha256;
};

// Appends the current publication (status.publishedSequence, lastRecord) unless the ring already
// has that sequence; false when nothing was added (no publication, unreadable record, present).
bool append_publication(IpnsRepublishStatus& status, std::uint64_t epoch,
                        const SignerEvidence& evidence);

std::string record_sha256_hex(ByteView record);

}  // namespace cbx::op
