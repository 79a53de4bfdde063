#include "cbx/epoch/approval.h"

#include "cbx/crypto/secp256k1.h"

namespace cbx::epoch {
namespace {

void append_u64_be(Bytes& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

Result<Bytes> approval_message(const ApprovalSubject& subject) {
  if (subject.public_key.size() != 65 || subject.public_key[0] != 0x04 ||
      !secp256k1::parse_public_key(subject.public_key)) {
    return make_error("BAD_APPROVAL_SUBJECT",
                      "publicKey must be a 65-byte uncompressed secp256k1 key");
  }
  if (subject.compose_hash.size() != kComposeHashSize) {
    return make_error("BAD_APPROVAL_SUBJECT", "composeHash must be 32 bytes (64 hex characters)");
  }
  Bytes msg(kApprovalDomain.begin(), kApprovalDomain.end());
  append_u64_be(msg, subject.epoch);
  msg.insert(msg.end(), subject.public_key.begin(), subject.public_key.end());
  msg.insert(msg.end(), subject.compose_hash.begin(), subject.compose_hash.end());
  return msg;
}

Result<ApprovalSubject> approval_subject_from_hex(std::uint64_t epoch,
                                                  std::string_view public_key_hex,
                                                  std::string_view compose_hash_hex) {
  auto pk = hex_decode(public_key_hex);
  auto ch = hex_decode(compose_hash_hex);
  if (!pk || !ch)
    return make_error("BAD_APPROVAL_SUBJECT", "publicKey and composeHash must be hex");
  ApprovalSubject subject{epoch, std::move(*pk), std::move(*ch)};
  auto msg = approval_message(subject);
  if (!msg) return msg.error();
  return subject;
}

Result<std::string> sign_approval(const ed25519::KeyPair& authority,
                                  const ApprovalSubject& subject) {
  auto msg = approval_message(subject);
  if (!msg) return msg.error();
  auto sig = ed25519::sign(authority, *msg);
  return base64_encode(sig);
}

bool verify_approval(ByteView authority_public_key, const ApprovalSubject& subject,
                     std::string_view approval_base64) {
  auto msg = approval_message(subject);
  auto sig = base64_decode(approval_base64);
  if (!msg || !sig || sig->size() != ed25519::kSignatureSize) return false;
  return ed25519::verify(authority_public_key, *msg, *sig);
}

}  // namespace cbx::epoch
