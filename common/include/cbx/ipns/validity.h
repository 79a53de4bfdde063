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
// RFC3339 with 0-9 fractional digits and 'Z' or a numeric offset (Go's RFC3339Nano trims zeros),
// years 0000-9999. Anything else: error code BAD_VALIDITY. TimePoint (int64 nanoseconds) only
// spans 1677-2262: later instants (the usual "2999-…" far validity) saturate to TimePoint::max(),
// earlier ones to TimePoint::min(). Use canonical_validity / validity_expired for exact work.
Result<TimePoint> parse_validity(std::string_view text);

// Any accepted validity re-formatted as the `ipns` package stores it (UTC, 9 digits, Z), exact for
// all years 0000-9999: "2999-06-15T13:00:00+01:00" -> "2999-06-15T12:00:00.000000000Z".
Result<std::string> canonical_validity(std::string_view text);

// The JS validator's expiry test: validity < now, both truncated to milliseconds. BAD_VALIDITY
// when the text does not parse.
Result<bool> validity_expired(std::string_view validity, TimePoint now);

}  // namespace cbx::ipns
