#pragma once
// SHA-2 digests and HKDF-SHA256 (RFC 5869) through OpenSSL 3.
#include <array>
#include <cstddef>
#include <cstdint>

#include "cbx/base/encoding.h"
#include "cbx/base/secret_bytes.h"

namespace cbx {

std::array<std::uint8_t, 32> sha256(ByteView data);
std::array<std::uint8_t, 48> sha384(ByteView data);

// HKDF-SHA256 extract+expand. An empty salt means HashLen zero bytes (RFC 5869 §2.2).
// length must be 1..8160 (255 * 32); outside that range the result is empty.
SecretBytes hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length);

}  // namespace cbx
