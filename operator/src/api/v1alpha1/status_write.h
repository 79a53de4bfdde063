#pragma once
// How an IpnsRepublish status is written, conditional on the object's resourceVersion: a JSON
// merge patch of every field but status.audit (the audit ring on the server is left as it is),
// unless the new status holds audit entries the server's ring lacks. Those are appended: inside
// the merge patch when the server holds no ring yet, else with a JSON Patch that sets each status
// field ("add" replaces; a null is pruned by the CRD schema, as a merge patch's null removes),
// appends the entries ("/status/audit/-") and removes the oldest beyond kAuditEntries. The cache
// therefore never needs the ring's entries (issue 13: the cache keeps what the reconcilers read).
#include <nlohmann/json.hpp>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"

namespace cbx::op {

struct StatusWrite {
  bool json_patch = false;  // the body is JSON Patch operations, resourceVersion included
  nlohmann::json body;      // else the status for a merge patch (KubeClient::patch_status)
};

// `before` is the object as last read (its resourceVersion and the server's ring as decoded).
StatusWrite status_write(const IpnsRepublish& before, const IpnsRepublishStatus& after);

// The entries of `after.audit` whose sequence the server's ring (before) does not hold.
std::vector<AuditEntry> new_audit_entries(const IpnsRepublishStatus& before,
                                          const IpnsRepublishStatus& after);

}  // namespace cbx::op
