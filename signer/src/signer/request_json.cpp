#include "signer/request_json.h"

#include <cstring>

namespace cbx::signer {
namespace {

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

RequestFields request_fields(const json& body) {
  return RequestFields(body, "", kBadRequest);
}

}  // namespace cbx::signer
