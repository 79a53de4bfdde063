#include "cbx/ipns/validity.h"

#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>

namespace cbx::ipns {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// An instant as whole seconds since the Unix epoch plus nanoseconds: wide enough for any
// four-digit year, unlike TimePoint.
struct Instant {
  std::int64_t seconds;
  std::int64_t nanos;  // 0..999'999'999
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads exactly `n` decimal digits at text[pos].
std::optional<unsigned> digits(std::string_view text, std::size_t& pos, std::size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Fraction after '.': 1-9 digits, as nanoseconds.
std::optional<std::int64_t> fraction(std::string_view text, std::size_t& pos) {
  std::int64_t nanos = 0;
  std::size_t count = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (++count > 9) return std::nullopt;
    nanos = nanos * 10 + (text[pos++] - '0');
  }
  if (count == 0) return std::nullopt;
  for (; count < 9; ++count) nanos *= 10;
  return nanos;
}

// 'Z' or ±HH:MM, as seconds east of UTC.
std::optional<std::int64_t> utc_offset(std::string_view text, std::size_t& pos) {
  if (expect(text, pos, 'Z')) return 0;
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
  const int sign = text[pos++] == '-' ? -1 : 1;
  auto hours = digits(text, pos, 2);
  if (!hours || *hours > 23 || !expect(text, pos, ':')) return std::nullopt;
  auto minutes = digits(text, pos, 2);
  if (!minutes || *minutes > 59) return std::nullopt;
  return sign * static_cast<std::int64_t>(*hours * 3600 + *minutes * 60);
}

std::optional<Instant> parse_instant(std::string_view text) {
  std::size_t pos = 0;
  auto year = digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  auto month = digits(text, pos, 2);
  if (!month || *month < 1 || *month > 12 || !expect(text, pos, '-')) return std::nullopt;
  auto day = digits(text, pos, 2);
  if (!day || *day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  if (!expect(text, pos, 'T')) return std::nullopt;
  auto hour = digits(text, pos, 2);
  if (!hour || *hour > 23 || !expect(text, pos, ':')) return std::nullopt;
  auto minute = digits(text, pos, 2);
  if (!minute || *minute > 59 || !expect(text, pos, ':')) return std::nullopt;
  auto second = digits(text, pos, 2);
  if (!second || *second > 59) return std::nullopt;
  std::int64_t nanos = 0;
  if (expect(text, pos, '.')) {
    auto f = fraction(text, pos);
    if (!f) return std::nullopt;
    nanos = *f;
  }
  auto offset = utc_offset(text, pos);
  if (!offset || pos != text.size()) return std::nullopt;
  const std::int64_t seconds = days_from_civil(*year, *month, *day) * kSecondsPerDay +
                               *hour * 3600 + *minute * 60 + *second - *offset;
  return Instant{seconds, nanos};
}

Instant instant_from(TimePoint t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  return {secs.time_since_epoch().count(), (t - secs).count()};
}

TimePoint saturated_time_point(Instant i) {
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / kNanosPerSecond;
  if (i.seconds >= kMaxSeconds) return TimePoint::max();
  if (i.seconds <= -kMaxSeconds) return TimePoint::min();
  return TimePoint(std::chrono::nanoseconds(i.seconds * kNanosPerSecond + i.nanos));
}

std::string format_instant(Instant i) {
  const std::int64_t days =
      (i.seconds >= 0 ? i.seconds : i.seconds - (kSecondsPerDay - 1)) / kSecondsPerDay;
  const std::int64_t secs_of_day = i.seconds - days * kSecondsPerDay;
  const Civil c = civil_from_days(days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09lldZ",
                static_cast<long long>(c.year), c.month, c.day,
                static_cast<long long>(secs_of_day / 3600),
                static_cast<long long>(secs_of_day / 60 % 60),
                static_cast<long long>(secs_of_day % 60), static_cast<long long>(i.nanos));
  return buf;
}

// Milliseconds since the epoch, floored (as Date#getTime of a NanoDate and Date.now()).
std::int64_t floor_millis(Instant i) {
  return i.seconds * 1000 + i.nanos / 1'000'000;
}

Error bad_validity() {
  return make_error("BAD_VALIDITY", "validity is not an RFC3339 date-time");
}

}  // namespace

std::string format_validity(TimePoint t) {
  return format_instant(instant_from(t));
}

Result<TimePoint> parse_validity(std::string_view text) {
  auto instant = parse_instant(text);
  if (!instant) return bad_validity();
  return saturated_time_point(*instant);
}

Result<std::string> canonical_validity(std::string_view text) {
  auto instant = parse_instant(text);
  if (!instant) return bad_validity();
  return format_instant(*instant);
}

Result<bool> validity_expired(std::string_view validity, TimePoint now) {
  auto instant = parse_instant(validity);
  if (!instant) return bad_validity();
  return floor_millis(*instant) < floor_millis(instant_from(now));
}

}  // namespace cbx::ipns
