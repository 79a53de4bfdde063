#pragma once
// Proof of publication, one folder at a time: resolves the name from every endpoint that
// accepted a PUT (when the schedule says so), judges what each serves against status.lastRecord,
// re-PUTs that same record to an endpoint that serves an older one or none (never a new
// signature), and writes status.endpoints[].readBack and condition Resolvable.
//
// It runs beside the republish reconciler, not inside its cycle: it reads only status (what was
// published) and writes only readBack, Resolvable and a re-PUT's endpoint result, so the
// reconciler can change shape without it. Both write with resourceVersion preconditions.
// The first check of a publication also appends it to the audit ring (status.audit).
#include <functional>
#include <optional>

#include "cbx/base/duration.h"
#include "cbx/base/result.h"
#include "controllers/readback/audit_trail.h"
#include "controllers/readback/readback_ports.h"
#include "controllers/readback/readback_schedule.h"
#include "controllers/readback/readback_verdict.h"
#include "controllers/republish/ports.h"

namespace cbx::op {

struct ReadBackDeps {
  EndpointRouting& routing;
  StatusWriter& status;
  EventSink& events;
  ReadBackObserver& observer;
  std::function<void()> pace;  // called before every routing request (the rate bound); may be empty
  // The signer identity and quote digest of an epoch, for the audit ring; may be empty.
  std::function<SignerEvidence(std::uint64_t epoch)> evidence = nullptr;
};

struct ReadBackResult {
  std::optional<SysTime> next_at;  // when to come back (nullopt: on the next status change)
  int checked = 0;                 // endpoints resolved this time
};

class ReadBackChecker {
 public:
  ReadBackChecker(ReadBackDeps deps, ReadBackOptions options);
  // Error CONFLICT / NOT_FOUND from the status write: re-read the object and call again.
  Result<ReadBackResult> check(const IpnsRepublish& obj, SysTime now);
  const ReadBackOptions& options() const { return options_; }

 private:
  ReadBackVerdict check_endpoint(const IpnsRepublish& obj, const ipns::Name& name, ByteView record,
                                 EndpointStatus& endpoint, SysTime now);
  void pace();

  ReadBackDeps deps_;
  ReadBackOptions options_;
};

}  // namespace cbx::op
