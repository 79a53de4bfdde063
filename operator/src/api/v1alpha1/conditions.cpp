#include "api/v1alpha1/conditions.h"

#include <algorithm>

#include "cbx/json/field_reader.h"

namespace cbx::op {

void set_condition(std::vector<Condition>& conditions, const std::string& type, bool status,
                   Reason reason, const std::string& message, std::int64_t generation,
                   SysTime now) {
  set_condition_code(conditions, type, status, to_string(reason), message, generation, now);
}

void set_condition_code(std::vector<Condition>& conditions, const std::string& type, bool status,
                        const std::string& code, const std::string& message,
                        std::int64_t generation, SysTime now) {
  Condition next{type, status ? "True" : "False", code, message, generation, format_rfc3339(now)};
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const Condition& c) { return c.type == type; });
  if (it == conditions.end()) {
    conditions.push_back(std::move(next));
    return;
  }
  if (it->status == next.status) next.last_transition_time = it->last_transition_time;
  *it = std::move(next);
}

const Condition* find_condition(const std::vector<Condition>& conditions, const std::string& type) {
  for (const auto& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

std::optional<Reason> condition_reason(const std::vector<Condition>& conditions,
                                       const std::string& type) {
  const auto* c = find_condition(conditions, type);
  return c ? parse_reason(c->reason) : std::nullopt;
}

bool condition_is_true(const std::vector<Condition>& conditions, const std::string& type) {
  const auto* c = find_condition(conditions, type);
  return c && c->status == "True";
}

nlohmann::json to_json(const std::vector<Condition>& conditions) {
  auto out = nlohmann::json::array();
  for (const auto& c : conditions) {
    out.push_back({{"type", c.type},
                   {"status", c.status},
                   {"reason", c.reason},
                   {"message", c.message},
                   {"observedGeneration", c.observed_generation},
                   {"lastTransitionTime", c.last_transition_time}});
  }
  return out;
}

std::vector<Condition> conditions_from_json(const nlohmann::json& value) {
  std::vector<Condition> out;
  if (!value.is_array()) return out;
  // Exception-free on any shape: a field of the wrong type reads as its default.
  auto text = [](const cbx::json::FieldReader& r, const char* key, const char* fallback) {
    auto s = r.optional_string(key);
    return s && *s ? **s : std::string(fallback);
  };
  for (const auto& item : value) {
    if (!item.is_object()) continue;
    cbx::json::FieldReader r(item, "", "INVALID_CONDITION");
    auto generation = r.optional_int64("observedGeneration");
    out.push_back(Condition{text(r, "type", ""), text(r, "status", "Unknown"),
                            text(r, "reason", ""), text(r, "message", ""),
                            generation && *generation ? **generation : 0,
                            text(r, "lastTransitionTime", "")});
  }
  return out;
}

}  // namespace cbx::op
