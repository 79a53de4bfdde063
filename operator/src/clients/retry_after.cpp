#include "clients/retry_after.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace cbx::op {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads the fixed grammar of an HTTP-date left to right; any mismatch sets ok = false.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool ok() const { return ok_ && pos_ == text_.size(); }
  void literal(std::string_view word) {
    if (!ok_ || text_.substr(pos_, word.size()) != word) {
      ok_ = false;
      return;
    }
    pos_ += word.size();
  }
  int digits(std::size_t count) {
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (!ok_ || pos_ >= text_.size() || !is_digit(text_[pos_])) {
        ok_ = false;
        return 0;
      }
      value = value * 10 + (text_[pos_++] - '0');
    }
    return value;
  }
  // asctime's day: two digits, or a space and one digit.
  int padded_day() {
    if (ok_ && pos_ < text_.size() && text_[pos_] == ' ') {
      ++pos_;
      return digits(1);
    }
    return digits(2);
  }
  template <std::size_t N>
  int one_of(const std::array<std::string_view, N>& words) {
    for (std::size_t i = 0; i < N && ok_; ++i) {
      if (text_.substr(pos_, words[i].size()) == words[i]) {
        pos_ += words[i].size();
        return static_cast<int>(i);
      }
    }
    ok_ = false;
    return 0;
  }
  bool next_is(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

struct Fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

void read_time(Reader& r, Fields& f) {
  f.hour = r.digits(2);
  r.literal(":");
  f.minute = r.digits(2);
  r.literal(":");
  f.second = r.digits(2);
}

std::optional<std::int64_t> to_unix_seconds(const Fields& f) {
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;  // 60: leap second
  std::chrono::year_month_day ymd{std::chrono::year{f.year},
                                  std::chrono::month{static_cast<unsigned>(f.month + 1)},
                                  std::chrono::day{static_cast<unsigned>(f.day)}};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + f.hour * 3600 + f.minute * 60 + f.second;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<Fields> imf_fixdate(std::string_view text) {
  Reader r(text);
  Fields f;
  r.one_of(kDays);
  r.literal(", ");
  f.day = r.digits(2);
  r.literal(" ");
  f.month = r.one_of(kMonths);
  r.literal(" ");
  f.year = r.digits(4);
  r.literal(" ");
  read_time(r, f);
  r.literal(" GMT");
  return r.ok() ? std::optional(f) : std::nullopt;
}

// RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". A two-digit year more than 50 years ahead of `now`
// is the most recent past year with those digits (RFC 9110 §5.6.7).
std::optional<Fields> rfc850_date(std::string_view text, int current_year) {
  Reader r(text);
  Fields f;
  r.one_of(kLongDays);
  r.literal(", ");
  f.day = r.digits(2);
  r.literal("-");
  f.month = r.one_of(kMonths);
  r.literal("-");
  int yy = r.digits(2);
  r.literal(" ");
  read_time(r, f);
  r.literal(" GMT");
  if (!r.ok()) return std::nullopt;
  f.year = current_year - current_year % 100 + yy;
  if (f.year > current_year + 50) f.year -= 100;
  return f;
}

// asctime: "Sun Nov  6 08:49:37 1994".
std::optional<Fields> asctime_date(std::string_view text) {
  Reader r(text);
  Fields f;
  r.one_of(kDays);
  r.literal(" ");
  f.month = r.one_of(kMonths);
  r.literal(" ");
  f.day = r.padded_day();
  r.literal(" ");
  read_time(r, f);
  r.literal(" ");
  f.year = r.digits(4);
  return r.ok() ? std::optional(f) : std::nullopt;
}

int year_of(SysTime now) {
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(now)};
  return static_cast<int>(ymd.year());
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text, SysTime now) {
  text = trim(text);
  auto fields = imf_fixdate(text);
  if (!fields) fields = rfc850_date(text, year_of(now));
  if (!fields) fields = asctime_date(text);
  if (!fields) return std::nullopt;
  return to_unix_seconds(*fields);
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, SysTime now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  const std::int64_t cap = kMaxRetryAfter.count();
  if (std::all_of(value.begin(), value.end(), is_digit)) {
    std::int64_t seconds = 0;
    for (char c : value) {
      seconds = std::min(seconds * 10 + (c - '0'), cap + 1);  // saturates long before overflow
    }
    return std::chrono::seconds(std::min(seconds, cap));
  }
  auto date = parse_http_date(value, now);
  if (!date) return std::nullopt;
  std::int64_t now_seconds =
      std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  return std::chrono::seconds(std::clamp<std::int64_t>(*date - now_seconds, 0, cap));
}

}  // namespace cbx::op
