#pragma once
// libp2p PublicKey protobuf ({1: KeyType, 2: Data}) as @libp2p/crypto reads and writes it, and
// the multihash a key is named by (identity when the protobuf is at most 42 bytes, else sha2-256).
#include <cstdint>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::ipns {

enum class KeyType : std::uint64_t { kRsa = 0, kEd25519 = 1, kSecp256k1 = 2, kEcdsa = 3 };

struct PublicKey {
  KeyType type;
  Bytes data;  // 32 bytes for Ed25519
};

// Error codes: INVALID_EMBEDDED_PUBLIC_KEY for a malformed protobuf or an Ed25519 key that is
// not 32 bytes, UNSUPPORTED_KEY_TYPE for an unknown key type.
Result<PublicKey> parse_public_key_proto(ByteView proto);
// Canonical encoding: 08 <type> 12 <len> <data>.
Bytes public_key_proto(const PublicKey& key);
// publicKey.toMultihash(): identity of the canonical protobuf if <= 42 bytes, else sha2-256.
Bytes public_key_multihash(const PublicKey& key);

}  // namespace cbx::ipns
