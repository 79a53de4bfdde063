#include "kube/events.h"

#include <cstdio>

#include "kube/micro_time.h"

namespace cbx::kube {
namespace {

constexpr std::size_t kMaxNote = 1024;  // the API server rejects notes over 1 kB

std::string event_name(std::string_view object_name, WallTime now, unsigned sequence) {
  char suffix[40];
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::snprintf(suffix, sizeof suffix, ".%llx%04x", static_cast<unsigned long long>(nanos),
                sequence & 0xffff);
  return std::string(object_name) + suffix;
}

}  // namespace

json make_event(const json& regarding, EventType type, std::string_view reason,
                std::string_view action, std::string_view note, std::string_view controller,
                std::string_view instance, WallTime now, unsigned sequence) {
  const json& meta = regarding.value("metadata", json::object());
  std::string ns = meta.value("namespace", "");
  std::string name = meta.value("name", "");
  json ref = {{"apiVersion", regarding.value("apiVersion", "")},
              {"kind", regarding.value("kind", "")},
              {"name", name},
              {"uid", meta.value("uid", "")},
              {"resourceVersion", meta.value("resourceVersion", "")}};
  if (!ns.empty()) ref["namespace"] = ns;
  return {{"apiVersion", "events.k8s.io/v1"},
          {"kind", "Event"},
          {"metadata",
           {{"name", event_name(name, now, sequence)}, {"namespace", ns.empty() ? "default" : ns}}},
          {"eventTime", format_micro_time(now)},
          {"reportingController", std::string(controller)},
          {"reportingInstance", std::string(instance)},
          {"action", std::string(action)},
          {"reason", std::string(reason)},
          {"note", std::string(note.substr(0, kMaxNote))},
          {"type", type == EventType::warning ? "Warning" : "Normal"},
          {"regarding", ref}};
}

EventRecorder::EventRecorder(KubeClient& client, std::string controller, std::string instance,
                             const Clock& clock)
    : client_(client),
      controller_(std::move(controller)),
      instance_(std::move(instance)),
      clock_(clock) {}

Result<json> EventRecorder::record(const json& regarding, EventType type, std::string_view reason,
                                   std::string_view action, std::string_view note) {
  json event = make_event(regarding, type, reason, action, note, controller_, instance_,
                          clock_.wall_now(), counter_++);
  std::string ns = event["metadata"]["namespace"];
  return client_.create(resources::kEvent, ns, event);
}

}  // namespace cbx::kube
