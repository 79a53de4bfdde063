#include "public_key.h"

#include <string>

#include "cbx/crypto/hash.h"
#include "cbx/ipns/cid.h"
#include "ipns.pb.h"

namespace cbx::ipns {
namespace {

constexpr std::size_t kMaxInlineKeySize = 42;  // libp2p peer id rule for identity multihashes
constexpr std::size_t kEd25519KeySize = 32;
constexpr std::size_t kMaxPublicKeyProtoSize = 1 << 20;  // far above any RSA key, below INT_MAX

}  // namespace

Result<PublicKey> parse_public_key_proto(ByteView proto) {
  pb::PublicKey message;
  if (proto.size() > kMaxPublicKeyProtoSize ||
      !message.ParseFromArray(proto.data(), static_cast<int>(proto.size()))) {
    return make_error("INVALID_EMBEDDED_PUBLIC_KEY", "Could not parse public key protobuf");
  }
  const int type = static_cast<int>(message.type());
  if (!message.has_type() || type < 0 || type > static_cast<int>(KeyType::kEcdsa)) {
    return make_error("UNSUPPORTED_KEY_TYPE", "Unsupported key type");
  }
  PublicKey key{static_cast<KeyType>(type), Bytes(message.data().begin(), message.data().end())};
  if (key.type == KeyType::kEd25519 && key.data.size() != kEd25519KeySize) {
    return make_error("INVALID_EMBEDDED_PUBLIC_KEY", "Ed25519 public key must be 32 bytes");
  }
  return key;
}

Bytes public_key_proto(const PublicKey& key) {
  Bytes out{0x08};
  varint_append(out, static_cast<std::uint64_t>(key.type));
  out.push_back(0x12);
  varint_append(out, key.data.size());
  out.insert(out.end(), key.data.begin(), key.data.end());
  return out;
}

Bytes public_key_multihash(const PublicKey& key) {
  const Bytes proto = public_key_proto(key);
  Bytes out;
  if (proto.size() <= kMaxInlineKeySize) {
    varint_append(out, kMultihashIdentity);
    varint_append(out, proto.size());
    out.insert(out.end(), proto.begin(), proto.end());
    return out;
  }
  const auto digest = sha256(proto);
  varint_append(out, kMultihashSha2_256);
  varint_append(out, digest.size());
  out.insert(out.end(), digest.begin(), digest.end());
  return out;
}

}  // namespace cbx::ipns
