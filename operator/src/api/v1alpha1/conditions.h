#pragma once
// metav1.Condition and the one helper that sets them: lastTransitionTime changes only when the
// status flips, observedGeneration is always stamped (cert-manager's SetCertificateCondition).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/reasons.h"
#include "cbx/base/duration.h"

namespace cbx::op {

struct Condition {
  std::string type;
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;  // as on the wire: a reason of another operator version is kept as is
  std::string message;
  std::int64_t observed_generation = 0;
  std::string last_transition_time;  // RFC 3339

  bool operator==(const Condition&) const = default;
};

void set_condition(std::vector<Condition>& conditions, const std::string& type, bool status,
                   Reason reason, const std::string& message, std::int64_t generation, SysTime now);
const Condition* find_condition(const std::vector<Condition>& conditions, const std::string& type);
// For a reason that is another party's error code (a signer's refusal code, DESIGN §5): written
// verbatim, since the table cannot list codes the operator does not define.
void set_condition_code(std::vector<Condition>& conditions, const std::string& type, bool status,
                        const std::string& code, const std::string& message,
                        std::int64_t generation, SysTime now);
// The condition's reason, nullopt when absent or not one this operator knows.
std::optional<Reason> condition_reason(const std::vector<Condition>& conditions,
                                       const std::string& type);
bool condition_is_true(const std::vector<Condition>& conditions, const std::string& type);

nlohmann::json to_json(const std::vector<Condition>& conditions);
std::vector<Condition> conditions_from_json(const nlohmann::json& value);

}  // namespace cbx::op
