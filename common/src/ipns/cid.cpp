#include "cbx/ipns/cid.h"

#include "multibase.h"

namespace cbx::ipns {
namespace {

constexpr std::size_t kCidV0Size = 34;  // 12 20 <sha2-256 digest>

Error bad_cid(std::string message) {
  return make_error("BAD_CID", std::move(message));
}

bool is_v0_multihash(ByteView bytes) {
  return bytes.size() == kCidV0Size && bytes[0] == kMultihashSha2_256 && bytes[1] == 32;
}

}  // namespace

std::optional<std::uint64_t> multihash_code(ByteView multihash) {
  std::size_t pos = 0;
  auto code = varint_read(multihash, pos);
  if (!code) return std::nullopt;
  auto length = varint_read(multihash, pos);
  if (!length || *length != multihash.size() - pos) return std::nullopt;
  return code;
}

bool is_multihash(ByteView bytes) {
  return multihash_code(bytes).has_value();
}

Bytes Cid::bytes() const {
  if (version == 0) return multihash;
  Bytes out;
  out.reserve(multihash.size() + 4);
  varint_append(out, version);
  varint_append(out, codec);
  out.insert(out.end(), multihash.begin(), multihash.end());
  return out;
}

std::string Cid::to_string() const {
  if (version == 0) return base58btc_encode(multihash);
  return "b" + base32_encode(bytes());
}

std::string Cid::to_base36() const {
  return "k" + base36_encode(to_v1().bytes());
}

Cid Cid::to_v1() const {
  Cid v1 = *this;
  v1.version = 1;
  return v1;
}

Result<Cid> cid_from_bytes(ByteView bytes) {
  if (is_v0_multihash(bytes)) return Cid{0, kCodecDagPb, Bytes(bytes.begin(), bytes.end())};
  std::size_t pos = 0;
  auto version = varint_read(bytes, pos);
  if (!version) return bad_cid("truncated CID version");
  if (*version != 1) return bad_cid("unsupported CID version");
  auto codec = varint_read(bytes, pos);
  if (!codec) return bad_cid("truncated CID codec");
  ByteView multihash = bytes.subspan(pos);
  if (!is_multihash(multihash)) return bad_cid("invalid multihash in CID");
  return Cid{1, *codec, Bytes(multihash.begin(), multihash.end())};
}

Result<Cid> parse_cid(std::string_view text) {
  if (text.size() == 46 && text.starts_with("Qm")) {
    auto bytes = base58btc_decode(text);
    if (!bytes || !is_v0_multihash(*bytes)) return bad_cid("invalid CIDv0");
    return Cid{0, kCodecDagPb, std::move(*bytes)};
  }
  auto bytes = multibase_decode(text);
  if (!bytes) return bad_cid("not a CID: unknown multibase or bad encoding");
  auto cid = cid_from_bytes(*bytes);
  // A CIDv0 only exists as bare base58btc; multibase text always holds CIDv1 bytes.
  if (cid && cid->version == 0) return bad_cid("CIDv0 bytes inside multibase");
  return cid;
}

}  // namespace cbx::ipns
