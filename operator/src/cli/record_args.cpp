#include "cli/record_args.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "cbx/base/duration.h"

namespace cbx::cli {
namespace {

Error bad_argument(std::string_view flag, std::string message) {
  return make_error("BAD_ARGUMENT", std::string(flag) + ": " + std::move(message));
}

bool is_base64_char(std::uint8_t c) {
  return std::isalnum(c) || c == '+' || c == '/' || c == '=' || std::isspace(c);
}

// "…:SS[.f{1,9}]Z" -> "…:SS.fffffffffZ" (digits padded with zeros), without going through a
// time point: validities run to year 2999 and beyond the nanosecond clock's range.
std::string pad_fraction(std::string_view text) {
  const std::size_t seconds_end = text.find_first_of(".Zz", 19);
  std::string_view fraction = text.substr(seconds_end, text.size() - 1 - seconds_end);
  if (!fraction.empty()) fraction.remove_prefix(1);  // the '.'
  fraction = fraction.substr(0, 9);                  // parse_validity allows no more
  std::string out(text.substr(0, seconds_end));
  out += '.';
  out += fraction;
  out.append(9 - fraction.size(), '0');
  out += 'Z';
  return out;
}

}  // namespace

Result<std::uint64_t> parse_sequence(std::string_view flag, std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front())) || ptr != end ||
      ec != std::errc{}) {
    return bad_argument(
        flag, "not a decimal number from 0 to 18446744073709551615: \"" + std::string(text) + "\"");
  }
  return value;
}

Result<std::chrono::nanoseconds> parse_duration_flag(std::string_view flag, std::string_view text) {
  const auto duration = parse_duration(text);
  if (!duration) {
    return bad_argument(
        flag, "bad duration \"" + std::string(text) + "\" (Go syntax: 48h, 90m, 1h30m, 300s)");
  }
  return *duration;
}

Result<std::string> canonical_validity(std::string_view flag, std::string_view text) {
  const auto parsed = ipns::parse_validity(text);
  if (!parsed) {
    return bad_argument(
        flag, "not an RFC 3339 time: \"" + std::string(text) + "\" (e.g. 2030-01-01T00:00:00Z)");
  }
  const char last = text.empty() ? '\0' : text.back();
  if (last == 'Z' || last == 'z') return pad_fraction(text);
  return ipns::format_validity(*parsed);
}

Result<std::string> validity_from_lifetime(ipns::TimePoint now, std::chrono::nanoseconds lifetime) {
  const auto now_ms = std::chrono::floor<std::chrono::milliseconds>(now);
  const auto headroom = ipns::TimePoint::max() - now_ms;
  if (lifetime > headroom) return bad_argument("--lifetime", "too long");
  return ipns::format_validity(ipns::TimePoint(now_ms) + lifetime);
}

Bytes decode_record_input(ByteView input) {
  if (!input.empty() && std::all_of(input.begin(), input.end(), is_base64_char)) {
    std::string text;  // without whitespace: `base64` wraps its output at 76 columns
    for (const std::uint8_t c : input) {
      if (!std::isspace(c)) text += static_cast<char>(c);
    }
    if (auto decoded = base64_decode(text)) return std::move(*decoded);
  }
  return Bytes(input.begin(), input.end());
}

}  // namespace cbx::cli
