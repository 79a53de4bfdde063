#pragma once
// metav1.MicroTime text ("2026-11-25T15:10:00.123456Z"), as Lease and events.k8s.io Event use.
#include <optional>
#include <string>
#include <string_view>

#include "kube/clock.h"

namespace cbx::kube {

std::string format_micro_time(WallTime t);
std::optional<WallTime> parse_micro_time(std::string_view text);

}  // namespace cbx::kube
