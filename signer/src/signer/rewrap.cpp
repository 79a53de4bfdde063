#include "signer/rewrap.h"

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/approval.h"
#include "cbx/ipns/name.h"

namespace cbx::signer {
namespace {

Result<RewrapTarget> external_target(const json& target,
                                     const std::optional<ed25519::PublicKey>& authority,
                                     const TargetAttestationPolicy& policy) {
  if (!target.is_object()) return make_error("BAD_REQUEST", "field \"target\" must be an object");
  auto epoch = get_uint(target, "epoch");
  if (!epoch) return epoch.error();
  if (*epoch == 0 || *epoch > kMaxEpoch)
    return make_error("UNKNOWN_EPOCH", "target epoch out of range");
  auto pk_hex = get_string(target, "publicKey", 200);
  if (!pk_hex) return pk_hex.error();
  auto compose_hash = get_string(target, "composeHash", 200);
  if (!compose_hash) return compose_hash.error();
  auto subject = epoch::approval_subject_from_hex(*epoch, *pk_hex, *compose_hash);
  if (!subject) return make_error("BAD_REQUEST", subject.error().message);
  if (!authority) {
    return make_error("APPROVAL_REQUIRED",
                      "no rotation authority is configured: rewrap to an external key is refused");
  }
  if (!has(target, "approval") || (target["approval"].is_string() &&
                                   target["approval"].get_ref<const std::string&>().empty())) {
    return make_error("APPROVAL_REQUIRED", "an approval by the rotation authority is required");
  }
  auto approval = get_string(target, "approval", 200);
  if (!approval) return approval.error();
  if (!epoch::verify_approval(*authority, *subject, *approval)) {
    return make_error("APPROVAL_INVALID",
                      "the approval is not a valid signature by the rotation authority");
  }
  auto attested = verify_target_attestation(target, *subject, policy);
  if (!attested) return attested.error();
  return RewrapTarget{*epoch, std::move(subject->public_key), true, attested->chain_verified};
}

}  // namespace

Result<RewrapEntryRequest> parse_rewrap_entry(const json& entry, std::string& id) {
  if (!entry.is_object()) return make_error("BAD_REQUEST", "entry must be a JSON object");
  RewrapEntryRequest req;
  auto got_id = get_string(entry, "id", kMaxIdSize);
  if (!got_id) return got_id.error();
  id = req.id = std::move(*got_id);
  if (has(entry, "ipnsName")) {
    auto name = get_string(entry, "ipnsName", 128);
    if (!name) return name.error();
    req.ipns_name = std::move(*name);
  }
  auto key = get_base64(entry, "encryptedKey", kMaxCiphertextSize);
  if (!key) return key.error();
  req.encrypted_key = std::move(*key);
  auto epoch = get_uint(entry, "keyEpoch");
  if (!epoch) return epoch.error();
  req.key_epoch = *epoch;
  return req;
}

Result<RewrapTarget> resolve_rewrap_target(const json& body, EpochKeyCache& keys,
                                           const std::optional<ed25519::PublicKey>& authority,
                                           const TargetAttestationPolicy& policy) {
  const bool local = has(body, "targetEpoch"), external = has(body, "target");
  if (local == external) {
    return make_error("BAD_REQUEST", "exactly one of \"targetEpoch\" or \"target\" is required");
  }
  if (external) return external_target(body["target"], authority, policy);
  auto epoch = get_uint(body, "targetEpoch");
  if (!epoch) return epoch.error();
  auto key = keys.get(*epoch);
  if (!key) return key.error();
  return RewrapTarget{*epoch, (*key)->public_key, false, false};
}

Result<Bytes> rewrap_entry(const RewrapEntryRequest& req, EpochKeyCache& keys,
                           const RewrapTarget& target) {
  std::optional<ipns::Name> name;
  if (req.ipns_name) {
    auto parsed = ipns::parse_name(*req.ipns_name);
    if (!parsed || !parsed->ed25519_public_key()) {
      return make_error("BAD_REQUEST", "field \"ipnsName\" is not an Ed25519 IPNS name");
    }
    name = std::move(*parsed);
  }
  auto source = keys.get(req.key_epoch);
  if (!source) return make_error("UNKNOWN_EPOCH", "keyEpoch: " + source.error().message);
  auto seed = ecies::decrypt((*source)->private_key, req.encrypted_key);
  if (!seed) return make_error("DECRYPT_FAILED", ecies::kDecryptFailedMessage);
  auto key = ed25519::key_pair_from_seed(seed->span());
  if (!key) return make_error("BAD_KEY", "the sealed key is not a 32-byte Ed25519 seed");
  if (name && ipns::name_from_ed25519(key->public_key).multihash != name->multihash) {
    return make_error("KEY_NAME_MISMATCH", "the sealed key is not the key of ipnsName");
  }
  auto resealed = ecies::encrypt(target.public_key, seed->span());
  if (!resealed) return make_error("REWRAP_FAILED", "re-encryption failed");
  return std::move(*resealed);
}

}  // namespace cbx::signer
