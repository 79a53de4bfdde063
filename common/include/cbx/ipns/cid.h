#pragma once
// Content identifiers (CIDv0 and CIDv1) as multiformats and boxo read and write them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::ipns {

// Multicodec / multihash codes this code cares about.
inline constexpr std::uint64_t kCodecDagPb = 0x70;
inline constexpr std::uint64_t kCodecRaw = 0x55;
inline constexpr std::uint64_t kCodecLibp2pKey = 0x72;
inline constexpr std::uint64_t kMultihashIdentity = 0x00;
inline constexpr std::uint64_t kMultihashSha2_256 = 0x12;

struct Cid {
  std::uint64_t version = 1;
  std::uint64_t codec = kCodecDagPb;
  Bytes multihash;  // <code varint> <length varint> <digest>

  // v0: the bare multihash; v1: 01 <codec varint> <multihash>.
  Bytes bytes() const;
  // v0: base58btc without a multibase prefix ("Qm…"); v1: multibase base32 lowercase ("b…").
  std::string to_string() const;
  // Multibase base36 lowercase ("k…") of the v1 bytes (IPNS names use this form).
  std::string to_base36() const;
  // Same content as CIDv1 (a v0 CID becomes dag-pb v1; a v1 CID is returned unchanged).
  Cid to_v1() const;

  bool operator==(const Cid&) const = default;
};

// "Qm…" (46 chars, CIDv0) or a multibase string (b/B/c/C/v/V/t/T/k/K/z/f/F/m/M/u/U…) holding
// CIDv1 bytes, as boxo's cid.Decode accepts. Error code BAD_CID.
Result<Cid> parse_cid(std::string_view text);
// Binary CID: a 34-byte sha2-256 multihash (v0) or 01 <codec> <multihash> (v1). BAD_CID.
Result<Cid> cid_from_bytes(ByteView bytes);
// Checks `bytes` is exactly one well-formed multihash (code, length, digest of that length).
bool is_multihash(ByteView bytes);
// Multihash code of a well-formed multihash, nullopt otherwise.
std::optional<std::uint64_t> multihash_code(ByteView multihash);

}  // namespace cbx::ipns
