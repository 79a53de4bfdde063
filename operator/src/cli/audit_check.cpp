#include "cli/audit_check.h"

#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "controllers/readback/audit_trail.h"

namespace cbx::cli {
namespace {

struct Served {
  std::string url;
  std::uint64_t sequence = 0;
  std::string sha256;
  SysTime valid_until{};
};

// The records endpoints serve that the name's key signed; the rest is reported, not used.
std::vector<Served> verified_served(
    const ipns::Name& name, const std::map<std::string, Result<std::optional<Bytes>>>& served,
    std::vector<std::string>& problems) {
  std::vector<Served> out;
  for (const auto& [url, answer] : served) {
    if (!answer) {
      problems.push_back(url + ": lookup failed (" + answer.error().code + ")");
      continue;
    }
    if (!*answer) continue;
    auto record = ipns::verify_record_signature(name, **answer);
    if (!record) {
      problems.push_back(url + ": serves a record the name's key did not sign");
      continue;
    }
    out.push_back(Served{url, record->sequence, op::record_sha256_hex(**answer),
                         std::chrono::time_point_cast<Nanos>(record->validity_time)});
  }
  return out;
}

AuditVerdict judge(const op::AuditEntry& entry, bool newest, const std::vector<Served>& served) {
  AuditVerdict v{entry, false, ""};
  std::string superseded_by;
  for (const auto& s : served) {
    if (s.sequence == entry.sequence) {
      if (s.sha256 != entry.record_sha256) {
        v.detail = s.url + " serves another record with sequence " + std::to_string(s.sequence);
        return v;
      }
      if (entry.valid_until && s.valid_until != *entry.valid_until) {
        v.detail = s.url + " serves this record with another validity";
        return v;
      }
      if (v.detail.empty()) v.detail = "served by " + s.url;
      v.ok = true;
    } else if (s.sequence > entry.sequence && superseded_by.empty()) {
      superseded_by = s.url + " serves " + std::to_string(s.sequence);
    }
  }
  if (v.ok) return v;
  if (!superseded_by.empty()) {
    v.ok = true;
    v.detail = (newest ? "newer record on the network (" : "superseded (") + superseded_by + ")";
    return v;
  }
  v.detail = "no endpoint serves this record or a newer one";
  return v;
}

}  // namespace

std::vector<AuditVerdict> check_audit(
    const op::IpnsRepublish& folder,
    const std::map<std::string, Result<std::optional<Bytes>>>& served) {
  std::vector<AuditVerdict> out;
  auto name = ipns::parse_name(folder.spec.ipns_name);
  std::vector<std::string> problems;
  auto records = name ? verified_served(*name, served, problems) : std::vector<Served>{};
  const auto& audit = folder.status.audit;
  for (std::size_t i = 0; i < audit.size(); ++i) {
    bool newest = i + 1 == audit.size();
    auto v = judge(audit[i], newest, records);
    if (newest && folder.status.published_sequence == audit[i].sequence) {
      auto last = base64_decode(folder.status.last_record);
      if (!last || op::record_sha256_hex(*last) != audit[i].record_sha256) {
        v.ok = false;
        v.detail = "status.lastRecord is not this record";
      }
    }
    if (!v.ok && !problems.empty()) v.detail += " (" + problems.front() + ")";
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace cbx::cli
