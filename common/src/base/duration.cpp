#include "cbx/base/duration.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace cbx {
namespace {

struct Unit {
  std::string_view name;
  long double nanos;
};
constexpr Unit kUnits[] = {{"ns", 1},         {"us", 1e3},         {"\xc2\xb5s", 1e3},
                           {"ms", 1e6},       {"s", 1e9},          {"m", 60e9},
                           {"h", 3600e9}};

bool read_digits(std::string_view& s, std::string& out) {
  std::size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
  out.assign(s.substr(0, n));
  s.remove_prefix(n);
  return n > 0;
}

// whole.frac as a number, by hand: std::stold throws on digit strings too long for a long
// double (e.g. 5000 nines, or a fraction of 5000 zeros and a one). More than 20 significant whole
// digits exceed any duration (nullopt); fraction digits past the 19th are below a nanosecond.
std::optional<long double> decimal_value(const std::string& whole, const std::string& frac) {
  auto first = whole.find_first_not_of('0');
  if (first != std::string::npos && whole.size() - first > 20) return std::nullopt;
  long double number = 0;
  for (std::size_t i = first == std::string::npos ? whole.size() : first; i < whole.size(); ++i) {
    number = number * 10 + (whole[i] - '0');
  }
  // numerator / 10^digits, both exact in a long double: one correctly rounded division, as stold.
  long double numerator = 0, denominator = 1;
  for (std::size_t i = 0; i < frac.size() && i < 19; ++i) {
    numerator = numerator * 10 + (frac[i] - '0');
    denominator *= 10;
  }
  return number + numerator / denominator;
}

int read_int(std::string_view s, std::size_t pos, std::size_t len, bool& ok) {
  int v = 0;
  if (pos + len > s.size()) {
    ok = false;
    return 0;
  }
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) ok = false;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  if (text == "0") return Nanos{0};
  if (text.empty()) return std::nullopt;
  long double total = 0;
  while (!text.empty()) {
    std::string whole, frac;
    bool has_whole = read_digits(text, whole);
    bool has_frac = false;
    if (!text.empty() && text.front() == '.') {
      text.remove_prefix(1);
      has_frac = read_digits(text, frac);
    }
    if (!has_whole && !has_frac) return std::nullopt;
    auto number = decimal_value(whole, frac);
    if (!number) return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.starts_with(u.name) && (!unit || u.name.size() > unit->name.size())) unit = &u;
    }
    if (!unit) return std::nullopt;
    text.remove_prefix(unit->name.size());
    total += *number * unit->nanos;
    if (total > 9.2e18L) return std::nullopt;
  }
  return Nanos{static_cast<long long>(total)};
}

std::string format_duration(Nanos d) {
  using namespace std::chrono;
  if (d.count() == 0) return "0s";
  std::string out;
  auto ns = d.count();
  if (ns % 1'000'000'000 != 0) {
    if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
    if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
    return std::to_string(ns) + "ns";
  }
  long long secs = ns / 1'000'000'000;
  if (secs >= 3600) out += std::to_string(secs / 3600) + "h";
  if (secs % 3600 >= 60) out += std::to_string(secs % 3600 / 60) + "m";
  if (secs % 60) out += std::to_string(secs % 60) + "s";
  return out;
}

std::string format_rfc3339(SysTime t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  std::time_t tt = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(secs));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<SysTime> parse_rfc3339(std::string_view s) {
  bool ok = true;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  int year = read_int(s, 0, 4, ok), month = read_int(s, 5, 2, ok), day = read_int(s, 8, 2, ok);
  int hour = read_int(s, 11, 2, ok), minute = read_int(s, 14, 2, ok), sec = read_int(s, 17, 2, ok);
  if (!ok || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60)
    return std::nullopt;
  if (year < 1678 || year > 2261) return std::nullopt;  // outside int64 nanoseconds since 1970
  std::size_t pos = 19;
  long long frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 9) frac_ns = frac_ns * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) frac_ns *= 10;
  }
  long long offset_secs = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh = read_int(s, pos + 1, 2, ok), om = read_int(s, pos + 4, 2, ok);
    if (!ok) return std::nullopt;
    offset_secs = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  SysTime t = sys_days{ymd} + hours{hour} + minutes{minute} + seconds{sec} + nanoseconds{frac_ns};
  return t - seconds{offset_secs};
}

}  // namespace cbx
