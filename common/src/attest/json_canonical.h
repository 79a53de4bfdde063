#pragma once
// Small JSON helpers for attestation inputs: a bracket-depth check run before parsing untrusted
// text, and the RFC 8785 (JCS) form of dstack's V2 runtime event {"name","payload","type"}.
#include <cstdint>
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"

namespace cbx::attest {

// false when arrays/objects nest deeper than max_depth (brackets inside strings do not count).
bool json_nesting_within(std::string_view text, std::size_t max_depth);

// {"name":<JCS string>,"payload":"<lowercase hex>","type":<decimal>} — keys in JCS order; name
// must be valid UTF-8 (nlohmann's parser guarantees it for names read from JSON).
std::string canonical_runtime_event_json(std::string_view name, std::uint32_t type,
                                         ByteView payload);

}  // namespace cbx::attest
