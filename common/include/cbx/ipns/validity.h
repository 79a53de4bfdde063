#pragma once
// Validity (EOL) timestamps of IPNS records.
#include <chrono>
#include <string>
#include <string_view>

#include "cbx/base/result.h"

namespace cbx::ipns {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::sys_time<std::chrono::nanoseconds>;

// RFC3339, UTC, always 9 fractional digits and 'Z': "2999-12-31T23:59:59.999999999Z".
std::string format_validity(TimePoint t);
// RFC3339 with 0-9 fractional digits and 'Z' or a numeric offset (Go's RFC3339Nano trims zeros).
// Anything else: error code BAD_VALIDITY.
Result<TimePoint> parse_validity(std::string_view text);

}  // namespace cbx::ipns
