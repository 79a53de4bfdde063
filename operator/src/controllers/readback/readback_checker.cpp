#include "controllers/readback/readback_checker.h"

#include <algorithm>

#include "cbx/base/log.h"
#include "controllers/readback/resolvable_condition.h"
#include "controllers/republish/status_transitions.h"

namespace cbx::op {
namespace {

bool first_mismatch_of_publication(const std::optional<ReadBack>& before, std::uint64_t sequence) {
  return !before || before->sequence != sequence || before->result != readback::kMismatch;
}

}  // namespace

ReadBackChecker::ReadBackChecker(ReadBackDeps deps, ReadBackOptions options)
    : deps_(std::move(deps)), options_(options) {}

void ReadBackChecker::pace() {
  if (deps_.pace) deps_.pace();
}

ReadBackVerdict ReadBackChecker::check_endpoint(const IpnsRepublish& obj, const ipns::Name& name,
                                                ByteView record, EndpointStatus& endpoint,
                                                SysTime now) {
  pace();
  auto served = deps_.routing.resolve_at(endpoint.url, obj.spec.ipns_name);
  auto verdict = judge_served(name, record, served);
  if (verdict.result != readback::kMismatch) return verdict;
  // The endpoint lost or never kept what it accepted: give it the same record again, as long
  // as that record is still worth serving. Never a new signature from here.
  if (!obj.status.valid_until || *obj.status.valid_until <= now) {
    verdict.message += "; the published record has expired, not PUT again";
    return verdict;
  }
  pace();
  auto put = deps_.routing.publish_at(endpoint.url, obj.spec.ipns_name, record);
  IpnsRepublishStatus one;
  one.endpoints = {endpoint};
  apply_endpoint_results(one, {put}, *obj.status.published_sequence, now);
  endpoint = one.endpoints.front();
  verdict.message += put.ok ? "; the published record was PUT again"
                            : "; PUT again failed: " + put.code + " " + put.message;
  return verdict;
}

Result<ReadBackResult> ReadBackChecker::check(const IpnsRepublish& obj, SysTime now) {
  auto urls = deps_.routing.endpoint_urls();
  auto due = due_endpoints(obj.status, urls, options_, now);
  if (due.empty()) return ReadBackResult{next_read_back_at(obj.status, urls, options_), 0};
  auto name = ipns::parse_name(obj.spec.ipns_name);
  auto record = base64_decode(obj.status.last_record);
  if (!name || !record) {
    log::warn("read-back skipped: unreadable name or status.lastRecord", {{"key", obj.key()}});
    return ReadBackResult{};
  }
  auto st = obj.status;
  auto sequence = *st.published_sequence;
  std::vector<std::pair<std::string, std::string>> new_mismatches;  // url, message
  for (auto& endpoint : st.endpoints) {
    if (std::find(due.begin(), due.end(), endpoint.url) == due.end()) continue;
    auto before = endpoint.read_back;
    auto verdict = check_endpoint(obj, *name, *record, endpoint, now);
    apply_verdict(endpoint, verdict, sequence, now);
    deps_.observer.checked(endpoint.url, verdict.result);
    if (verdict.result == readback::kMismatch && first_mismatch_of_publication(before, sequence)) {
      new_mismatches.emplace_back(endpoint.url, verdict.message);
    }
  }
  update_resolvable(st, obj.generation, options_.margin, now);
  auto epoch = effective_key(obj).epoch;
  append_publication(st, epoch, deps_.evidence ? deps_.evidence(epoch) : SignerEvidence{});
  auto written = deps_.status.write_status(obj, st);
  if (!written) return written.error();
  for (const auto& [url, message] : new_mismatches) {
    deps_.events.emit(*written, true, readback::kMismatch,
                      url + " accepted sequence " + std::to_string(sequence) + " but " + message);
  }
  return ReadBackResult{next_read_back_at(written->status, urls, options_),
                        static_cast<int>(due.size())};
}

}  // namespace cbx::op
