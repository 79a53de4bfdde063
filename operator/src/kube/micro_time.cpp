#include "kube/micro_time.h"

#include <cstdio>
#include <ctime>

#include "cbx/base/duration.h"

namespace cbx::kube {

std::string format_micro_time(WallTime t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch());
  std::time_t secs = static_cast<std::time_t>(micros.count() / 1'000'000);
  long frac = static_cast<long>(micros.count() % 1'000'000);
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::optional<WallTime> parse_micro_time(std::string_view text) {
  auto parsed = parse_rfc3339(text);
  if (!parsed) return std::nullopt;
  return std::chrono::time_point_cast<WallTime::duration>(
      WallTime(std::chrono::duration_cast<WallTime::duration>(parsed->time_since_epoch())));
}

}  // namespace cbx::kube
