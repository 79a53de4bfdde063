#pragma once
// Records events.k8s.io/v1 Events about an object (what `kubectl describe` and `kubectl events`
// show). Event text must never contain key material.
#include <atomic>
#include <string>
#include <string_view>

#include "kube/client.h"

namespace cbx::kube {

enum class EventType { normal, warning };

class EventRecorder {
 public:
  // controller: reportingController ("cipherbox.io/republish"); instance: this process.
  EventRecorder(KubeClient& client, std::string controller, std::string instance,
                const Clock& clock = system_clock());

  // regarding: the object as read from the API (apiVersion, kind, metadata). Events for
  // cluster-scoped objects go to the "default" namespace, as client-go does.
  Result<json> record(const json& regarding, EventType type, std::string_view reason,
                      std::string_view action, std::string_view note);

 private:
  KubeClient& client_;
  std::string controller_;
  std::string instance_;
  const Clock& clock_;
  std::atomic<unsigned> counter_{0};
};

// The Event object record() would create (exposed for tests).
json make_event(const json& regarding, EventType type, std::string_view reason,
                std::string_view action, std::string_view note, std::string_view controller,
                std::string_view instance, WallTime now, unsigned sequence);

}  // namespace cbx::kube
