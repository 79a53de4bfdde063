#include "signer/json_fields.h"

#include <charconv>
#include <cstring>

namespace cbx::signer {
namespace {

Error bad(const char* key, std::string_view what) {
  return make_error("BAD_REQUEST", std::string("field \"") + key + "\" " + std::string(what));
}

// nlohmann's parser keeps its own stack, but every nested value is a heap object: refuse deep
// nesting before parsing, counting brackets outside strings.
bool nesting_within(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    char c = *p++;
    if (c == '"') {  // skip the string: find its closing quote (one not escaped by a backslash)
      for (;;) {
        auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
        if (!q) return true;  // unterminated: the parser rejects it
        const char* b = q;
        while (b > p && b[-1] == '\\') --b;
        p = q + 1;
        if ((q - b) % 2 == 0) break;
      }
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace

Result<json> parse_json_object(std::string_view body) {
  if (!nesting_within(body, kMaxJsonDepth)) {
    return make_error("BAD_JSON", "JSON nesting is too deep");
  }
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error("BAD_JSON", "request body is not valid JSON");
  if (!doc.is_object()) return make_error("BAD_JSON", "request body must be a JSON object");
  return doc;
}

bool has(const json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && !obj[key].is_null();
}

Result<std::string> get_string(const json& obj, const char* key, std::size_t max_size) {
  if (!has(obj, key)) return bad(key, "is required");
  const json& v = obj[key];
  if (!v.is_string()) return bad(key, "must be a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_size) return bad(key, "is too long");
  return s;
}

Result<std::uint64_t> get_uint(const json& obj, const char* key) {
  if (!has(obj, key)) return bad(key, "is required");
  const json& v = obj[key];
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return bad(key, "must not be negative");
  return bad(key, "must be an integer");
}

std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) {
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (err != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<std::uint64_t> get_decimal_string(const json& obj, const char* key) {
  if (!has(obj, key)) return bad(key, "is required");
  const json& v = obj[key];
  if (!v.is_string()) return bad(key, "must be a decimal string");
  auto value = parse_decimal_u64(v.get_ref<const std::string&>());
  if (!value) return bad(key, "must be a decimal string of an unsigned 64-bit integer");
  return *value;
}

Result<Bytes> get_base64(const json& obj, const char* key, std::size_t max_size) {
  auto text = get_string(obj, key, max_size / 3 * 4 + 8);
  if (!text) return text.error();
  auto bytes = base64_decode(*text);
  if (!bytes) return bad(key, "is not valid base64");
  if (bytes->size() > max_size) return bad(key, "is too long");
  return std::move(*bytes);
}

Result<Bytes> get_hex(const json& obj, const char* key, std::size_t max_size) {
  auto text = get_string(obj, key, max_size * 2 + 2);
  if (!text) return text.error();
  auto bytes = hex_decode(*text);
  if (!bytes) return bad(key, "is not valid hex");
  return std::move(*bytes);
}

}  // namespace cbx::signer
