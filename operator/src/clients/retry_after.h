#pragma once
// The Retry-After header of a 429 answer (RFC 9110 §10.2.3): delay-seconds or an HTTP-date in any
// of the three forms a recipient must accept (IMF-fixdate, RFC 850, asctime). The result is
// clamped to [0, kMaxRetryAfter] without ever overflowing: a routing server must not be able to
// park an endpoint for days, nor make the operator compute with out-of-range times.
#include <chrono>
#include <optional>
#include <string_view>

#include "cbx/base/duration.h"

namespace cbx::op {

inline constexpr std::chrono::seconds kMaxRetryAfter = std::chrono::hours(1);

// nullopt when the value is neither form (the caller's default then applies). A date in the past
// gives 0 s.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, SysTime now);

// An HTTP-date as seconds since 1970 (no range check beyond years 0000-9999); nullopt otherwise.
std::optional<std::int64_t> parse_http_date(std::string_view text, SysTime now);

}  // namespace cbx::op
