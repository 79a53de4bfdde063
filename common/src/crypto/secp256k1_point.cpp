#include "crypto/secp256k1_point.h"

#include "crypto/library_init.h"

namespace cbx::crypto_internal {
namespace {

constexpr std::uint8_t kUncompressedPrefix = 0x04;

std::optional<secp256k1_pubkey> parse_raw(ByteView sec1) {
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(shared_secp256k1_context(), &point, sec1.data(), sec1.size()) !=
      1) {
    return std::nullopt;
  }
  return point;
}

}  // namespace

std::optional<secp256k1_pubkey> parse_uncompressed_point(ByteView sec1) {
  if (sec1.size() != 65 || sec1[0] != kUncompressedPrefix) return std::nullopt;
  return parse_raw(sec1);
}

std::optional<secp256k1_pubkey> parse_point(ByteView sec1) {
  if (sec1.size() == 33 && (sec1[0] == 0x02 || sec1[0] == 0x03)) return parse_raw(sec1);
  if (sec1.size() == 65) return parse_uncompressed_point(sec1);
  if (sec1.size() == 64) {
    std::uint8_t prefixed[65];
    prefixed[0] = kUncompressedPrefix;
    std::copy(sec1.begin(), sec1.end(), prefixed + 1);
    return parse_raw(ByteView(prefixed, sizeof prefixed));
  }
  return std::nullopt;
}

Bytes serialize_point(const secp256k1_pubkey& point, bool compressed) {
  Bytes out(compressed ? 33 : 65);
  std::size_t size = out.size();
  secp256k1_ec_pubkey_serialize(shared_secp256k1_context(), out.data(), &size, &point,
                                compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED);
  return out;
}

}  // namespace cbx::crypto_internal
