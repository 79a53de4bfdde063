#include "attest/td_attributes.h"

namespace cbx::attest::detail {

Status check_td_attributes(const std::array<std::uint8_t, 8>& a) {
  auto refuse = [](const char* why) { return make_error("TD_ATTRIBUTES", why); };
  if (a[0] != 0) return refuse("TD is debuggable (TUD bits set)");
  bool reserved_sec = a[1] != 0 || a[2] != 0 || (a[3] & 0x0F) != 0 || (a[3] & 0x20) != 0;
  bool reserved_other = a[4] != 0 || a[5] != 0 || a[6] != 0 || (a[7] & 0x7F) != 0;
  if (reserved_sec || reserved_other) return refuse("reserved TD attribute bits are set");
  if ((a[3] & 0x10) == 0) return refuse("SEPT_VE_DISABLE is not set");
  return ok_status();
}

}  // namespace cbx::attest::detail
