#include "controllers/readback/readback_verdict.h"

#include <algorithm>

#include "cbx/ipns/record.h"

namespace cbx::op {
namespace {

ReadBackVerdict mismatch(std::string message) {
  return ReadBackVerdict{readback::kMismatch, std::move(message), std::nullopt, std::nullopt};
}

SysTime to_sys(ipns::TimePoint t) {
  return std::chrono::time_point_cast<Nanos>(t);
}

}  // namespace

ReadBackVerdict judge_served(const ipns::Name& name, ByteView published,
                             const Result<std::optional<Bytes>>& served) {
  if (!served) {
    return ReadBackVerdict{readback::kUnreachable,
                           (served.error().code + " " + served.error().message).substr(0, 512),
                           std::nullopt, std::nullopt};
  }
  if (!*served) return mismatch("the endpoint serves no record for the name");
  auto ours = ipns::verify_record_signature(name, published);
  if (!ours) return mismatch("the published record is unreadable: " + ours.error().code);
  // What an endpoint serves is untrusted: only a record the name's key signed counts.
  auto theirs = ipns::verify_record_signature(name, **served);
  if (!theirs) {
    return mismatch("the endpoint serves a record the name's key did not sign (" +
                    theirs.error().code + ")");
  }
  bool same_bytes =
      std::equal(published.begin(), published.end(), (*served)->begin(), (*served)->end());
  if (theirs->sequence < ours->sequence) {
    return mismatch("the endpoint serves sequence " + std::to_string(theirs->sequence) +
                    ", older than the published " + std::to_string(ours->sequence));
  }
  if (theirs->sequence == ours->sequence && !same_bytes) {
    return mismatch("the endpoint serves another record with sequence " +
                    std::to_string(theirs->sequence));
  }
  std::string message =
      theirs->sequence == ours->sequence
          ? "serves the published record"
          : "serves a newer record (sequence " + std::to_string(theirs->sequence) + ")";
  return ReadBackVerdict{readback::kVerified, message, theirs->sequence,
                         to_sys(theirs->validity_time)};
}

void apply_verdict(EndpointStatus& endpoint, const ReadBackVerdict& verdict, std::uint64_t sequence,
                   SysTime now) {
  auto& rb = endpoint.read_back ? *endpoint.read_back : endpoint.read_back.emplace();
  auto seconds_now = std::chrono::floor<std::chrono::seconds>(now);
  bool same_publication = rb.sequence == sequence;
  rb.result = verdict.result;
  rb.sequence = sequence;
  rb.checked_at = seconds_now;
  rb.message = verdict.message.substr(0, 1024);
  if (verdict.result == readback::kVerified) {
    rb.failures = 0;
    rb.verified_sequence = verdict.served_sequence;
    rb.verified_valid_until = verdict.served_valid_until;
    rb.verified_at = seconds_now;
  } else {
    // Retries back off per publication: a new one starts over.
    rb.failures = same_publication ? std::min<std::uint32_t>(rb.failures + 1, 1000) : 1;
  }
}

}  // namespace cbx::op
