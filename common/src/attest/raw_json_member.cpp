#include <nlohmann/json.hpp>

#include "cbx/attest/collateral_source.h"

namespace cbx::attest {
namespace {

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
}

// End (exclusive) of the JSON string starting at s[i] == '"'; npos when unterminated.
std::size_t string_end(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// End (exclusive) of the JSON value starting at s[i]. The text is known to be valid JSON, so
// counting brackets outside strings finds it.
std::size_t value_end(std::string_view s, std::size_t i) {
  if (i >= s.size()) return std::string_view::npos;
  if (s[i] == '"') return string_end(s, i);
  int depth = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      i = string_end(s, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;
      if (--depth == 0) return i + 1;
    } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
      return i;
    }
  }
  return depth == 0 ? i : std::string_view::npos;
}

}  // namespace

std::optional<std::string> raw_json_member(std::string_view text, std::string_view name) {
  auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains(name)) return std::nullopt;
  std::size_t i = 0;
  skip_space(text, i);
  if (i >= text.size() || text[i] != '{') return std::nullopt;
  ++i;
  while (true) {
    skip_space(text, i);
    if (i >= text.size() || text[i] != '"') return std::nullopt;
    std::size_t key_end = string_end(text, i);
    if (key_end == std::string_view::npos) return std::nullopt;
    auto key = nlohmann::json::parse(text.substr(i, key_end - i), nullptr, false);
    i = key_end;
    skip_space(text, i);
    if (i >= text.size() || text[i] != ':') return std::nullopt;
    ++i;
    skip_space(text, i);
    std::size_t end = value_end(text, i);
    if (end == std::string_view::npos) return std::nullopt;
    if (key.is_string() && key.get<std::string>() == name) {
      return std::string(text.substr(i, end - i));
    }
    i = end;
    skip_space(text, i);
    if (i >= text.size() || text[i] != ',') return std::nullopt;
    ++i;
  }
}

}  // namespace cbx::attest
