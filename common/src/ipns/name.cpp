#include "cbx/ipns/name.h"

#include <algorithm>

#include "cbx/ipns/cid.h"
#include "public_key.h"

namespace cbx::ipns {
namespace {

constexpr std::string_view kIpnsPrefix = "/ipns/";

Error bad_name(std::string message) {
  return make_error("BAD_NAME", std::move(message));
}

Cid name_cid(const Name& name) {
  return Cid{1, kCodecLibp2pKey, name.multihash};
}

// The identity multihash's digest (the PublicKey protobuf), or nullopt for a hash multihash.
std::optional<ByteView> identity_digest(ByteView multihash) {
  std::size_t pos = 0;
  auto code = varint_read(multihash, pos);
  if (!code || *code != kMultihashIdentity || !varint_read(multihash, pos)) return std::nullopt;
  return multihash.subspan(pos);
}

}  // namespace

std::string Name::text() const {
  return name_cid(*this).to_base36();
}
std::string Name::text_base32() const {
  return name_cid(*this).to_string();
}
std::string Name::peer_id() const {
  return base58btc_encode(multihash);
}

Bytes Name::routing_key() const {
  Bytes out(kIpnsPrefix.size() + multihash.size());
  std::copy(kIpnsPrefix.begin(), kIpnsPrefix.end(), out.begin());
  std::copy(multihash.begin(), multihash.end(), out.begin() + kIpnsPrefix.size());
  return out;
}

std::optional<ed25519::PublicKey> Name::ed25519_public_key() const {
  auto key = parse_public_key_proto(public_key_proto);
  if (!key || key->type != KeyType::kEd25519) return std::nullopt;
  ed25519::PublicKey pk{};
  std::copy(key->data.begin(), key->data.end(), pk.begin());
  return pk;
}

Name name_from_ed25519(const ed25519::PublicKey& pk) {
  PublicKey key{KeyType::kEd25519, Bytes(pk.begin(), pk.end())};
  return Name{public_key_multihash(key), public_key_proto(key)};
}

Result<Name> name_from_multihash(ByteView multihash) {
  auto code = multihash_code(multihash);
  if (!code) return bad_name("invalid multihash");
  if (*code != kMultihashIdentity && *code != kMultihashSha2_256) {
    return make_error("INVALID_MULTIHASH", "Multihash in IPNS key was not identity or sha2-256");
  }
  Name name{Bytes(multihash.begin(), multihash.end()), {}};
  if (auto digest = identity_digest(multihash)) {
    auto key = parse_public_key_proto(*digest);
    if (!key) return bad_name("identity multihash does not hold a valid public key");
    name.public_key_proto.assign(digest->begin(), digest->end());
  }
  return name;
}

Result<Name> name_from_routing_key(ByteView routing_key) {
  const ByteView prefix = as_bytes(kIpnsPrefix);
  if (routing_key.size() < prefix.size() ||
      !std::equal(prefix.begin(), prefix.end(), routing_key.begin())) {
    return bad_name("routing key does not start with /ipns/");
  }
  return name_from_multihash(routing_key.subspan(prefix.size()));
}

Result<Name> parse_name(std::string_view text) {
  if (text.starts_with(kIpnsPrefix)) text.remove_prefix(kIpnsPrefix.size());
  if (text.empty()) return bad_name("empty IPNS name");
  // Legacy peer ids are a bare base58btc multihash ("12D3KooW…", "Qm…"), as libp2p's peer.Decode.
  if (text.starts_with('1') || text.starts_with("Qm")) {
    auto multihash = base58btc_decode(text);
    if (!multihash) return bad_name("invalid base58btc peer id");
    auto name = name_from_multihash(*multihash);
    if (!name) return bad_name(name.error().message);
    return name;
  }
  auto cid = parse_cid(text);
  if (!cid) return bad_name("not a CID or peer id: " + cid.error().message);
  if (cid->version != 1 || cid->codec != kCodecLibp2pKey) {
    return bad_name("CID is not a libp2p-key (0x72) CIDv1");
  }
  auto name = name_from_multihash(cid->multihash);
  if (!name) return bad_name(name.error().message);
  return name;
}

}  // namespace cbx::ipns
