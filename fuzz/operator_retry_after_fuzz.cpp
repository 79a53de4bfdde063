// Retry-After parsing (clients/retry_after.cpp) on arbitrary header values: never crashes or
// overflows (UBSan), always within 0…1 h; a delay-seconds value means its own number, capped.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "clients/retry_after.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  static const auto now = *cbx::parse_rfc3339("2026-11-30T12:00:00Z");
  auto delay = cbx::op::parse_retry_after(value, now);
  if (delay && (delay->count() < 0 || *delay > cbx::op::kMaxRetryAfter)) std::abort();
  if (!value.empty() && value.size() <= 4 &&
      value.find_first_not_of("0123456789") == std::string_view::npos) {
    auto expected = std::min<long>(std::stol(std::string(value)), 3600);
    if (!delay || delay->count() != expected) std::abort();
  }
  (void)cbx::op::parse_http_date(value, now);
  return 0;
}
