#pragma once
// Request bodies of the signer's API: parsed with a nesting limit, their fields read with the
// shared strict reader (cbx/json/field_reader.h). Every field error is Error{"BAD_REQUEST",
// "<path>: why"} naming the field ("entries[2].encryptedKey: expected base64"); values are never
// echoed (they may be ciphertexts).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cbx/base/result.h"
#include "cbx/json/field_reader.h"

namespace cbx::signer {

using nlohmann::json;
using RequestFields = cbx::json::FieldReader;

inline constexpr std::size_t kMaxJsonDepth = 8;
inline constexpr char kBadRequest[] = "BAD_REQUEST";

// Parses a request body; BAD_JSON for invalid JSON, nesting deeper than kMaxJsonDepth, or a
// top level that is not an object.
Result<json> parse_json_object(std::string_view body);

// The reader of a request body (a parsed object).
RequestFields request_fields(const json& body);

}  // namespace cbx::signer
