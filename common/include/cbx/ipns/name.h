#pragma once
// IPNS names: CIDv1 libp2p-key over the identity multihash of a libp2p PublicKey protobuf.
#include <optional>
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/crypto/ed25519.h"

namespace cbx::ipns {

struct Name {
  Bytes multihash;         // identity multihash of the protobuf PublicKey (or a sha2-256 one)
  Bytes public_key_proto;  // 08 01 12 20 <pk> for Ed25519; empty when the multihash is a hash

  std::string text() const;         // "k51…" base36 CIDv1 libp2p-key
  std::string text_base32() const;  // "bafz…" (CID.toString() default)
  std::string peer_id() const;      // legacy base58btc multihash ("12D3KooW…")
  Bytes routing_key() const;        // "/ipns/" || multihash
  std::optional<ed25519::PublicKey> ed25519_public_key() const;

  bool operator==(const Name&) const = default;
};

Name name_from_ed25519(const ed25519::PublicKey& pk);
// k51…, bafz… (any multibase CIDv1 with codec libp2p-key), 12D3KooW… / Qm… peer ids, with an
// optional "/ipns/" prefix. Error code BAD_NAME.
Result<Name> parse_name(std::string_view text);
// From a routing key "/ipns/" || multihash (identity or sha2-256 only). Error codes BAD_NAME,
// INVALID_MULTIHASH.
Result<Name> name_from_routing_key(ByteView routing_key);
// From a multihash (identity multihashes must hold a parsable PublicKey protobuf).
Result<Name> name_from_multihash(ByteView multihash);

}  // namespace cbx::ipns
