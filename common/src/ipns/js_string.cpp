#include "js_string.h"

#include <cstdint>

namespace cbx::ipns {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

constexpr std::uint32_t kReplacement = 0xFFFD;

bool is_js_whitespace(std::uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

// Length of the UTF-8 sequence starting with lead byte b (text is valid UTF-8).
std::size_t sequence_length(unsigned char b) {
  if (b < 0x80) return 1;
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  return 4;
}

// Code point of the sequence at text[pos..pos+len), or kInvalid for a malformed one (the input
// of normalize_value is caller text and need not be valid UTF-8).
constexpr std::uint32_t kInvalid = 0xFFFFFFFF;

std::uint32_t decode_at(std::string_view text, std::size_t pos, std::size_t len) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  if (len > 1 && (b(0) < 0xC2 || b(0) > 0xF4)) return kInvalid;
  for (std::size_t i = 1; i < len; ++i) {
    if ((b(i) & 0xC0) != 0x80) return kInvalid;
  }
  switch (len) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu);
    case 3:
      return ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    default:
      return ((b(0) & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) |
             (b(3) & 0x3Fu);
  }
}

}  // namespace

std::string utf8_decode_lossy(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::uint32_t cp = 0;
  int needed = 0, seen = 0;
  unsigned lower = 0x80, upper = 0xBF;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const unsigned b = bytes[i];
    if (needed == 0) {
      if (b < 0x80) {
        out.push_back(static_cast<char>(b));
      } else if (b >= 0xC2 && b <= 0xDF) {
        needed = 1, cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2, cp = b & 0x0F;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3, cp = b & 0x07;
      } else {
        append_utf8(out, kReplacement);
      }
      continue;
    }
    if (b < lower || b > upper) {
      needed = seen = 0, cp = 0, lower = 0x80, upper = 0xBF;
      append_utf8(out, kReplacement);
      --i;  // the byte starts afresh
      continue;
    }
    lower = 0x80, upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen == needed) {
      append_utf8(out, cp);
      needed = seen = 0, cp = 0;
    }
  }
  if (needed != 0) append_utf8(out, kReplacement);
  return out;
}

std::string_view js_trim(std::string_view text) {
  while (!text.empty()) {
    const std::size_t len = sequence_length(static_cast<unsigned char>(text.front()));
    if (len > text.size() || !is_js_whitespace(decode_at(text, 0, len))) break;
    text.remove_prefix(len);
  }
  while (!text.empty()) {
    std::size_t start = text.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    const std::size_t len = text.size() - start;
    if (len != sequence_length(static_cast<unsigned char>(text[start])) ||
        !is_js_whitespace(decode_at(text, start, len))) {
      break;
    }
    text.remove_suffix(len);
  }
  return text;
}

}  // namespace cbx::ipns
