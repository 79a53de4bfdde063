#pragma once
// Go-style durations ("48h", "90m", "1h30m", "300s", "1.5h", "250ms") as Kubernetes manifests
// and CLI flags write them, and RFC 3339 timestamps as Kubernetes status carries them.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cbx {

using Nanos = std::chrono::nanoseconds;
using SysTime = std::chrono::sys_time<std::chrono::nanoseconds>;

// Non-negative durations only; nullopt on anything else (empty, bare numbers other than "0",
// unknown units, overflow).
std::optional<Nanos> parse_duration(std::string_view text);
// Shortest Go-like form: "48h0m0s" style is avoided; "48h", "1h30m", "5m", "300ms", "0s".
std::string format_duration(Nanos d);

// RFC 3339 in UTC with second precision, as metav1.Time serializes: "2026-11-25T15:10:00Z".
std::string format_rfc3339(SysTime t);
// Accepts any RFC 3339 date-time (fractional seconds, Z or offset).
std::optional<SysTime> parse_rfc3339(std::string_view text);

}  // namespace cbx
