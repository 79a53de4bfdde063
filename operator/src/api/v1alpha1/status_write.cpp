#include "api/v1alpha1/status_write.h"

#include <algorithm>

namespace cbx::op {

using nlohmann::json;

std::vector<AuditEntry> new_audit_entries(const IpnsRepublishStatus& before,
                                          const IpnsRepublishStatus& after) {
  std::vector<AuditEntry> out;
  for (const auto& entry : after.audit) {
    const auto& held = before.audit_sequences;
    if (std::find(held.begin(), held.end(), entry.sequence) == held.end()) out.push_back(entry);
  }
  if (out.size() > kAuditEntries) out.erase(out.begin(), out.end() - kAuditEntries);
  return out;
}

namespace {

json op(const char* name, const std::string& path) {
  return {{"op", name}, {"path", path}};
}

StatusWrite appending_json_patch(const IpnsRepublish& before, const IpnsRepublishStatus& after,
                                 const std::vector<AuditEntry>& fresh) {
  auto ops = json::array();
  // A changed resourceVersion in the patched object is the precondition (a 409 when stale).
  ops.push_back(op("replace", "/metadata/resourceVersion"));
  ops.back()["value"] = before.resource_version;
  auto status = status_to_json(after);
  for (auto& [field, value] : status.items()) {
    ops.push_back(op("add", "/status/" + field));
    ops.back()["value"] = value;
  }
  for (const auto& entry : fresh) {
    ops.push_back(op("add", "/status/audit/-"));
    ops.back()["value"] = audit_entry_to_json(entry);
  }
  auto length = before.status.audit_length + fresh.size();
  for (; length > kAuditEntries; --length) ops.push_back(op("remove", "/status/audit/0"));
  return {true, std::move(ops)};
}

}  // namespace

StatusWrite status_write(const IpnsRepublish& before, const IpnsRepublishStatus& after) {
  auto fresh = new_audit_entries(before.status, after);
  if (fresh.empty()) return {false, status_to_json(after)};
  if (before.status.audit_length == 0) {
    auto status = status_to_json(after);
    auto& ring = status["audit"] = json::array();
    for (const auto& entry : fresh) ring.push_back(audit_entry_to_json(entry));
    return {false, std::move(status)};
  }
  return appending_json_patch(before, after, fresh);
}

}  // namespace cbx::op
