// Go durations (cbx/base/duration.h: spec.interval/lifetime/ttl, CLI flags) on arbitrary text:
// never throws or crashes; a parsed duration is non-negative and survives format -> parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cbx/base/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = cbx::parse_duration(text);
  if (!d) return 0;
  if (d->count() < 0) std::abort();
  auto again = cbx::parse_duration(cbx::format_duration(*d));
  if (!again || *again != *d) std::abort();
  return 0;
}
