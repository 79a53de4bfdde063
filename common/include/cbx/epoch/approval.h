#pragma once
// Rotation-authority approvals (DESIGN §6): an Ed25519 signature by the authority key configured
// in the signer at deploy time, allowing the signer to re-encrypt keys to an external epoch key.
//
// Canonical message (all binary, no separators; every field before the last has a fixed size):
//   "cipherbox-epoch-approval:v1"    27 ASCII bytes (kApprovalDomain)
//   epoch                            8 bytes, unsigned big-endian
//   publicKey                        65 bytes, uncompressed SEC1 secp256k1 (04 || x || y)
//   composeHash                      32 bytes (the raw SHA-256 behind the hex compose hash)
// On the wire (JSON): publicKey and composeHash as lowercase hex, approval as standard base64 of
// the 64-byte signature; the authority public key as 64 hex chars (32 bytes).
#include <cstdint>
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/crypto/ed25519.h"

namespace cbx::epoch {

inline constexpr std::string_view kApprovalDomain = "cipherbox-epoch-approval:v1";
inline constexpr std::size_t kComposeHashSize = 32;

struct ApprovalSubject {
  std::uint64_t epoch = 0;
  Bytes public_key;    // 65 bytes
  Bytes compose_hash;  // 32 bytes
};

// Error code BAD_APPROVAL_SUBJECT when sizes are wrong or the public key is not on the curve.
Result<Bytes> approval_message(const ApprovalSubject& subject);
// From the JSON forms (hex public key and compose hash); BAD_APPROVAL_SUBJECT on malformed input.
Result<ApprovalSubject> approval_subject_from_hex(std::uint64_t epoch,
                                                  std::string_view public_key_hex,
                                                  std::string_view compose_hash_hex);

// Base64 of the 64-byte signature over approval_message(subject).
Result<std::string> sign_approval(const ed25519::KeyPair& authority,
                                  const ApprovalSubject& subject);
// true only for a valid signature by `authority_public_key` (32 bytes) over this subject.
bool verify_approval(ByteView authority_public_key, const ApprovalSubject& subject,
                     std::string_view approval_base64);

}  // namespace cbx::epoch
