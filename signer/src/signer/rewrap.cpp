#include "signer/rewrap.h"

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/approval.h"
#include "cbx/ipns/name.h"

namespace cbx::signer {
namespace {

Result<RewrapTarget> external_target(const RequestFields& body,
                                     const std::optional<ed25519::PublicKey>& authority,
                                     const TargetAttestationPolicy& policy) {
  auto target = body.object("target");
  if (!target) return target.error();
  auto epoch = target->uint64("epoch");
  if (!epoch) return epoch.error();
  if (*epoch == 0 || *epoch > kMaxEpoch)
    return make_error("UNKNOWN_EPOCH", "target epoch out of range");
  auto pk_hex = target->string("publicKey", 200);
  if (!pk_hex) return pk_hex.error();
  auto compose_hash = target->string("composeHash", 200);
  if (!compose_hash) return compose_hash.error();
  auto subject = epoch::approval_subject_from_hex(*epoch, *pk_hex, *compose_hash);
  if (!subject) return make_error(kBadRequest, subject.error().message);
  if (!authority) {
    return make_error("APPROVAL_REQUIRED",
                      "no rotation authority is configured: rewrap to an external key is refused");
  }
  auto approval = target->optional_string("approval", 200);
  if (!approval) return approval.error();
  if (!*approval || (*approval)->empty()) {
    return make_error("APPROVAL_REQUIRED", "an approval by the rotation authority is required");
  }
  if (!epoch::verify_approval(*authority, *subject, **approval)) {
    return make_error("APPROVAL_INVALID",
                      "the approval is not a valid signature by the rotation authority");
  }
  auto attested = verify_target_attestation(*target, *subject, policy);
  if (!attested) return attested.error();
  return RewrapTarget{*epoch, std::move(subject->public_key), true, attested->chain_verified};
}

}  // namespace

Result<RewrapEntryRequest> parse_rewrap_entry(const json& entry, std::string path,
                                              std::string& id) {
  auto fields = RequestFields::of(entry, std::move(path), kBadRequest);
  if (!fields) return fields.error();
  const RequestFields& r = *fields;
  RewrapEntryRequest req;
  auto got_id = r.string("id", kMaxIdSize);
  if (!got_id) return got_id.error();
  id = req.id = std::move(*got_id);
  auto name = r.optional_string("ipnsName", 128);
  if (!name) return name.error();
  req.ipns_name = std::move(*name);
  auto key = r.base64("encryptedKey", kMaxCiphertextSize);
  if (!key) return key.error();
  req.encrypted_key = std::move(*key);
  auto epoch = r.uint64("keyEpoch");
  if (!epoch) return epoch.error();
  req.key_epoch = *epoch;
  return req;
}

Result<RewrapTarget> resolve_rewrap_target(const json& body, EpochKeyCache& keys,
                                           const std::optional<ed25519::PublicKey>& authority,
                                           const TargetAttestationPolicy& policy) {
  const RequestFields r = request_fields(body);
  const bool local = r.has("targetEpoch"), external = r.has("target");
  if (local == external) {
    return make_error(kBadRequest, "exactly one of \"targetEpoch\" or \"target\" is required");
  }
  if (external) return external_target(r, authority, policy);
  auto epoch = r.uint64("targetEpoch");
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
      return make_error(kBadRequest, "ipnsName: not an Ed25519 IPNS name");
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
