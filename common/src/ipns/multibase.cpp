#include "multibase.h"

#include <algorithm>
#include <array>
#include <string>

namespace cbx::ipns {
namespace {

constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kBase32Hex = "0123456789abcdefghijklmnopqrstuv";
constexpr std::string_view kBase32Z = "ybndrfg8ejkmcpqxot1uwisza345h769";

std::string_view strip_padding(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return text;
}

// RFC 4648 §6/§7 style decoding (5 bits per character, no padding) over any 32-letter alphabet.
// `upper` selects the uppercase form of the alphabet, as multibase distinguishes b/B etc.
std::optional<Bytes> base32_with(std::string_view alphabet, bool upper, std::string_view text) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    char c = alphabet[i];
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    table[static_cast<unsigned char>(c)] = static_cast<int>(i);
  }
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = ((acc << 5) | static_cast<std::uint32_t>(v)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 5) return std::nullopt;  // a length no byte string encodes to
  return out;
}

std::optional<Bytes> base64url_decode(std::string_view text) {
  std::string standard(text);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  if (standard.find_first_of("+/") != std::string::npos &&
      text.find_first_of("+/") != std::string_view::npos) {
    return std::nullopt;  // the standard alphabet's own characters are not base64url
  }
  return base64_decode(standard);
}

bool has_whitespace(std::string_view text) {
  return text.find_first_of(" \t\r\n\v\f") != std::string_view::npos;
}

}  // namespace

std::optional<Bytes> multibase_decode(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char prefix = text.front();
  const std::string_view payload = text.substr(1);
  switch (prefix) {
    case 'f':
    case 'F':
      if (payload.starts_with("0x") || payload.starts_with("0X")) return std::nullopt;
      return hex_decode(payload);
    case 'b':
      return base32_with(kBase32, false, payload);
    case 'B':
      return base32_with(kBase32, true, payload);
    case 'c':
      return base32_with(kBase32, false, strip_padding(payload));
    case 'C':
      return base32_with(kBase32, true, strip_padding(payload));
    case 'v':
      return base32_with(kBase32Hex, false, payload);
    case 'V':
      return base32_with(kBase32Hex, true, payload);
    case 't':
      return base32_with(kBase32Hex, false, strip_padding(payload));
    case 'T':
      return base32_with(kBase32Hex, true, strip_padding(payload));
    case 'h':
      return base32_with(kBase32Z, false, payload);
    case 'k':
    case 'K':
      return base36_decode(payload);
    case 'z':
      return base58btc_decode(payload);
    case 'm':
    case 'M':
      if (has_whitespace(payload)) return std::nullopt;
      return base64_decode(payload);
    case 'u':
    case 'U':
      if (has_whitespace(payload)) return std::nullopt;
      return base64url_decode(payload);
    default:
      return std::nullopt;
  }
}

}  // namespace cbx::ipns
