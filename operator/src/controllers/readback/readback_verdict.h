#pragma once
// Judging what one routing endpoint serves for a folder against the record the operator
// published there (status.lastRecord), and recording the verdict in that endpoint's status.
#include <optional>
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/ipns/name.h"

namespace cbx::op {

namespace readback {
inline constexpr char kVerified[] = "Verified";
inline constexpr char kMismatch[] = "ReadBackMismatch";
inline constexpr char kUnreachable[] = "Unreachable";
}  // namespace readback

struct ReadBackVerdict {
  std::string result;  // readback::k*
  std::string message;
  std::optional<std::uint64_t> served_sequence;  // Verified: the sequence served
  std::optional<SysTime> served_valid_until;     // Verified: its validity
};

// Verified: the endpoint serves a record validly signed by the name's key (expiry aside) that
// is the published one, or has a higher sequence (the owner's client published after us).
// ReadBackMismatch: nothing, an invalid or foreign record, an older sequence, or another record
// with the same sequence. Unreachable: the lookup failed (error, rate limit).
ReadBackVerdict judge_served(const ipns::Name& name, ByteView published,
                             const Result<std::optional<Bytes>>& served);

// Writes the verdict of the check made for publication `sequence` at `now` into endpoint.
void apply_verdict(EndpointStatus& endpoint, const ReadBackVerdict& verdict, std::uint64_t sequence,
                   SysTime now);

}  // namespace cbx::op
