#pragma once
// Checks a folder's audit ring (status.audit) against the records routing endpoints serve now,
// without trusting status: every served record is first verified to be signed by the name's key.
//   - an entry whose sequence an endpoint serves must have that record's SHA-256 and validity;
//   - the newest entry must be served (that record or a newer one) by at least one endpoint;
//   - an older entry is "superseded" when an endpoint serves a newer record;
//   - the newest entry must also be status.lastRecord when it is the published sequence.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::cli {

struct AuditVerdict {
  op::AuditEntry entry;
  bool ok = false;
  std::string detail;  // "served by URL", "superseded (URL serves 12)", or the failure
};

// served: per endpoint URL, what it answered for the name (nullopt: no record).
std::vector<AuditVerdict> check_audit(
    const op::IpnsRepublish& folder,
    const std::map<std::string, Result<std::optional<Bytes>>>& served);

}  // namespace cbx::cli
