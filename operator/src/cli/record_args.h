#pragma once
// Parsing of the record-related flags shared by `record make`, `record inspect` and later
// commands. Every error message names the flag; none echoes secret input.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/ipns/validity.h"

namespace cbx::cli {

// Full uint64 in plain decimal ("18446744073709551615"); no sign, no spaces. BAD_ARGUMENT.
Result<std::uint64_t> parse_sequence(std::string_view flag, std::string_view text);

// Go-style duration ("48h", "90m", "1h30m", "300s"), >= 0. BAD_ARGUMENT.
Result<std::chrono::nanoseconds> parse_duration_flag(std::string_view flag, std::string_view text);

// --validity: RFC 3339 in the form the ipns package stores (createIPNSRecordWithExpiration):
// UTC, 9 fractional digits, 'Z'. "2999-06-15T12:00:00Z" -> "2999-06-15T12:00:00.000000000Z";
// a numeric offset is converted to UTC. BAD_ARGUMENT.
Result<std::string> canonical_validity(std::string_view flag, std::string_view text);

// --lifetime: as createIPNSRecord computes it, now (at millisecond precision, like Date.now())
// plus the lifetime, formatted as canonical validity. BAD_ARGUMENT when past year 2262.
Result<std::string> validity_from_lifetime(ipns::TimePoint now, std::chrono::nanoseconds lifetime);

// Record input as a user hands it over: base64 text (any whitespace, e.g. line wrapping,
// ignored) or raw bytes. Raw
// records start with a protobuf tag byte (0x0a or 0x42) that is not a base64 character.
Bytes decode_record_input(ByteView input);

}  // namespace cbx::cli
