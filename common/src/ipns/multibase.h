#pragma once
// Multibase decoding for CIDs given as text: the prefixes go-multibase (boxo) understands and
// that can carry a CID in practice.
#include <optional>
#include <string_view>

#include "cbx/base/encoding.h"

namespace cbx::ipns {

// "<prefix><payload>" -> bytes. Prefixes: f/F base16, b/B base32, c/C base32pad, v/V base32hex,
// t/T base32hexpad, h base32z, k/K base36, z base58btc, m base64, M base64pad, u base64url,
// U base64urlpad. nullopt for an unknown prefix or a bad payload.
std::optional<Bytes> multibase_decode(std::string_view text);

}  // namespace cbx::ipns
