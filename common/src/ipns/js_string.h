#pragma once
// The two JavaScript string operations the `ipns` package applies to record values, so that
// values read back here equal what the JS library reports.
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"

namespace cbx::ipns {

// Buffer#toString('utf8'): invalid sequences become U+FFFD (WHATWG "maximal subpart" rule).
std::string utf8_decode_lossy(ByteView bytes);
// String.prototype.trim on valid UTF-8: strips JS WhiteSpace and LineTerminator code points.
std::string_view js_trim(std::string_view text);

}  // namespace cbx::ipns
