#pragma once
// Byte/text encodings used by IPNS, CIDs, the signer API and the CLI.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cbx {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string to_string(ByteView b) { return {b.begin(), b.end()}; }

std::string hex_encode(ByteView bytes);
// Lowercase or uppercase hex, even length, optional "0x" prefix.
std::optional<Bytes> hex_decode(std::string_view text);

// Standard base64 (RFC 4648 §4) with padding.
std::string base64_encode(ByteView bytes);
// Accepts standard base64 with or without padding; surrounding ASCII whitespace is ignored.
std::optional<Bytes> base64_decode(std::string_view text);

// RFC 4648 base32, lowercase, no padding (multibase 'b').
std::string base32_encode(ByteView bytes);
std::optional<Bytes> base32_decode(std::string_view text);  // case-insensitive, no padding

// Lowercase base36 (multibase 'k'), leading zero bytes kept as '0'.
std::string base36_encode(ByteView bytes);
std::optional<Bytes> base36_decode(std::string_view text);  // case-insensitive

// Bitcoin-alphabet base58 (multibase 'z', CIDv0, legacy peer ids).
std::string base58btc_encode(ByteView bytes);
std::optional<Bytes> base58btc_decode(std::string_view text);

// Unsigned LEB128 varint as multiformats and protobuf use it.
void varint_append(Bytes& out, std::uint64_t value);
// Reads a varint at bytes[pos], advances pos. nullopt on truncation or > 10 bytes / overflow.
std::optional<std::uint64_t> varint_read(ByteView bytes, std::size_t& pos);

}  // namespace cbx
