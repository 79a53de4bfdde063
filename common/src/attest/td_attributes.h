#pragma once
// TD attributes (64-bit, little-endian): bits 0-7 TUD (bit 0 DEBUG), bits 8-27 reserved,
// bit 28 SEPT_VE_DISABLE, bit 29 reserved, bits 30-31 PKS/KL, bits 32-62 reserved, bit 63
// PERFMON. A TD that can be debugged, sets reserved bits or takes #VE on EPT violations
// (SEPT_VE_DISABLE clear) is refused, as the reference verifier refuses it.
#include <array>
#include <cstdint>

#include "cbx/base/result.h"

namespace cbx::attest::detail {

// Error code TD_ATTRIBUTES.
Status check_td_attributes(const std::array<std::uint8_t, 8>& attributes);

}  // namespace cbx::attest::detail
