#pragma once
// What the republish reconciler needs from the outside world, as small interfaces: the real
// implementations talk to kube-apiserver, the signer (through the batcher), routing and a thread
// pool; unit tests use in-memory ones.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "controllers/republish/signer_port.h"

namespace cbx::op {

class StatusWriter {
 public:
  virtual ~StatusWriter() = default;
  // Writes status with obj.resource_version as precondition; returns the object as stored (new
  // resourceVersion). Error CONFLICT when someone else wrote first, NOT_FOUND when deleted.
  virtual Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                             const IpnsRepublishStatus& status) = 0;
};

using SignDone = std::function<void(Result<SignOutcome>)>;

class RecordSigner {
 public:
  virtual ~RecordSigner() = default;
  // Asks for one record. done is called exactly once, when the request's batch came back (on the
  // signer's thread, or at once): it must only hand the work on. Error: the exchange failed
  // (signer unreachable, token refused); a per-request refusal is a SignOutcome with ok == false.
  virtual void sign(const SignerRef& signer, std::uint64_t current_epoch, SignRequest request,
                    SignDone done) = 0;
};

// Runs a task later, on one of a bounded set of threads (the publish stage of the pipeline).
class Executor {
 public:
  virtual ~Executor() = default;
  virtual void post(std::function<void()> task) = 0;
};

struct EndpointResult {
  std::string url;
  bool ok = false;
  std::string code;  // REJECTED | RATE_LIMITED | UNAVAILABLE when !ok
  std::string message;
  std::optional<std::chrono::seconds> retry_after;  // RATE_LIMITED: the endpoint's Retry-After
};

// What the routing endpoints answered to a lookup of one name.
struct NetworkLookup {
  std::optional<Bytes> record;  // the highest-sequence valid record an answering endpoint holds
  // "url: why" of every endpoint that did not answer (failed, or waits for its Retry-After): the
  // newest record may be on one of them.
  std::vector<std::string> unanswered;
};

class RecordPublisher {
 public:
  virtual ~RecordPublisher() = default;
  // Asks every endpoint; Error only when none answered.
  virtual Result<NetworkLookup> resolve(const std::string& name) = 0;
  virtual std::vector<EndpointResult> publish(const std::string& name, ByteView record) = 0;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void emit(const IpnsRepublish& obj, bool warning, const std::string& reason,
                    const std::string& message) = 0;
};

}  // namespace cbx::op
