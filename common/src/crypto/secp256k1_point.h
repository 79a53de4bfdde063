#pragma once
// SEC1 point parsing/serialisation shared by secp256k1.cpp and ecies.cpp.
#include <secp256k1.h>

#include <optional>

#include "cbx/base/encoding.h"

namespace cbx::crypto_internal {

// Accepts 33-byte compressed (02/03), 65-byte uncompressed (04) and 64-byte raw x||y, like
// eciesjs. Rejects the 65-byte "hybrid" 06/07 forms that libsecp256k1 would otherwise accept.
std::optional<secp256k1_pubkey> parse_point(ByteView sec1);
// Exactly 65 bytes starting with 04, as eciesjs requires for the ephemeral key on the wire.
std::optional<secp256k1_pubkey> parse_uncompressed_point(ByteView sec1);
Bytes serialize_point(const secp256k1_pubkey& point, bool compressed);

}  // namespace cbx::crypto_internal
