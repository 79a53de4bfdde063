#pragma once
// Strict, exception-free reading of request JSON. Every failure is Error{"BAD_REQUEST", ...}
// naming the field; values are never echoed (they may be ciphertexts).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::signer {

using nlohmann::json;

inline constexpr std::size_t kMaxJsonDepth = 8;

// Parses a request body; BAD_JSON for invalid JSON, nesting deeper than kMaxJsonDepth, or a
// top level that is not an object.
Result<json> parse_json_object(std::string_view body);

bool has(const json& obj, const char* key);
Result<std::string> get_string(const json& obj, const char* key, std::size_t max_size);
// A JSON integer >= 0 (not a float, not a string).
Result<std::uint64_t> get_uint(const json& obj, const char* key);
// A decimal string "0".."18446744073709551615" without sign, spaces or leading zeros.
Result<std::uint64_t> get_decimal_string(const json& obj, const char* key);
// Standard base64; decoded size at most max_size.
Result<Bytes> get_base64(const json& obj, const char* key, std::size_t max_size);
Result<Bytes> get_hex(const json& obj, const char* key, std::size_t max_size);

std::optional<std::uint64_t> parse_decimal_u64(std::string_view text);

}  // namespace cbx::signer
