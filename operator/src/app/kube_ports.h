#pragma once
// The republish controller's ports implemented on the Kubernetes API: status written through the
// status subresource with a resourceVersion precondition, events through events.k8s.io/v1.
#include "controllers/republish/ports.h"
#include "kube/client.h"
#include "kube/events.h"

namespace cbx::op {

// Writes a folder's status as api/v1alpha1/status_write.h composes it (the audit ring appended,
// never rewritten); the object the API server answered with.
Result<nlohmann::json> patch_folder_status(kube::KubeClient& client, const IpnsRepublish& before,
                                           const IpnsRepublishStatus& after);

class KubeStatusWriter : public StatusWriter {
 public:
  explicit KubeStatusWriter(kube::KubeClient& client) : client_(client) {}
  Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                     const IpnsRepublishStatus& status) override;

 private:
  kube::KubeClient& client_;
};

class KubeEventSink : public EventSink {
 public:
  explicit KubeEventSink(kube::EventRecorder& recorder) : recorder_(recorder) {}
  void emit(const IpnsRepublish& obj, bool warning, const std::string& reason,
            const std::string& message) override;

 private:
  kube::EventRecorder& recorder_;
};

// metadata of an IpnsRepublish as events.k8s.io wants it in `regarding`.
nlohmann::json object_reference(const IpnsRepublish& obj);

}  // namespace cbx::op
