#pragma once
// When each endpoint of a folder is read back, as pure functions of status (so a restarted or
// newly elected operator picks up where the last one stopped):
//   - a publication not yet checked there: lastPublishedAt + delay;
//   - a check that was not Verified: its time + retry backoff (per endpoint, per publication);
//   - a Verified one: again when its record's validity falls below the margin (Resolvable can
//     change then), and every `recheck` when set.
// Only endpoints that accepted a PUT (status.endpoints[].publishedSequence) and are still
// configured are read back.
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"

namespace cbx::op {

struct ReadBackOptions {
  Nanos delay = std::chrono::seconds(10);  // after a publication, before reading it back
  Nanos margin = std::chrono::hours(24);   // Resolvable needs a record valid this much longer
  Nanos retry_base = std::chrono::seconds(30);
  Nanos retry_max = std::chrono::minutes(30);
  Nanos recheck = Nanos::zero();  // re-read Verified endpoints this often (0: never)
};

std::optional<SysTime> endpoint_due_at(const IpnsRepublishStatus& status,
                                       const EndpointStatus& endpoint,
                                       const ReadBackOptions& options);

// URLs (of `configured`) due at `now`, in status order.
std::vector<std::string> due_endpoints(const IpnsRepublishStatus& status,
                                       const std::vector<std::string>& configured,
                                       const ReadBackOptions& options, SysTime now);

// The earliest due time over the configured endpoints; nullopt: nothing to do until status
// changes.
std::optional<SysTime> next_read_back_at(const IpnsRepublishStatus& status,
                                         const std::vector<std::string>& configured,
                                         const ReadBackOptions& options);

}  // namespace cbx::op
