#include "signer/sign_entry.h"

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/cid.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"

namespace cbx::signer {
namespace {

constexpr std::size_t kMaxNameSize = 128;
constexpr std::size_t kMaxValueSize = 512;
constexpr std::size_t kMaxValiditySize = 64;
constexpr std::uint64_t kMaxTtlSeconds = 365ULL * 24 * 3600;

// "/ipfs/<cid>" with a CID that parses; the CID for comparison.
std::optional<ipns::Cid> cid_of_path(std::string_view value) {
  constexpr std::string_view kPrefix = "/ipfs/";
  if (!value.starts_with(kPrefix)) return std::nullopt;
  auto cid = ipns::parse_cid(value.substr(kPrefix.size()));
  if (!cid) return std::nullopt;
  return cid->to_v1();
}

Result<std::string> signed_validity(const SignEntryRequest& req, const SignContext& ctx) {
  ipns::TimePoint until;
  if (req.validity) {
    auto t = ipns::parse_validity(*req.validity);
    if (!t) return make_error(kBadRequest, "validity: not an RFC 3339 time");
    until = *t;
  } else if (req.lifetime_seconds) {
    auto cap = std::chrono::duration_cast<std::chrono::seconds>(ctx.limits.max_lifetime).count();
    auto secs = std::min<std::uint64_t>(*req.lifetime_seconds, static_cast<std::uint64_t>(cap) + 1);
    until = ctx.now + std::chrono::seconds(secs);
  } else {
    return make_error(kBadRequest, "one of \"validity\" or \"lifetimeSeconds\" is required");
  }
  if (until <= ctx.now) return make_error(kBadRequest, "validity: not in the future");
  until = std::min(until, ctx.now + ctx.limits.max_lifetime);  // lifetime capped (--max-lifetime)
  return ipns::format_validity(until);
}

// The value the owner signed, when proofRecord is a record of this name's key over `value`.
Result<ipns::Record> check_proof(const SignEntryRequest& req, const ipns::Name& name,
                                 const ipns::Cid& value_cid, SignContext& ctx) {
  Bytes routing_key = name.routing_key();
  const bool known = ctx.verified.contains(routing_key, req.proof_record);
  Result<ipns::Record> proof = known ? ipns::unmarshal_record(req.proof_record)
                                     : ipns::verify_record_signature(name, req.proof_record);
  if (!proof) {
    return make_error(
        "VALUE_NOT_OWNER_SIGNED",
        "proofRecord is not a record signed by the key of ipnsName (" + proof.error().code + ")");
  }
  if (!known) ctx.verified.insert(routing_key, req.proof_record);
  auto proof_cid = cid_of_path(proof->value);
  if (!proof_cid || !(*proof_cid == value_cid)) {
    return make_error("VALUE_NOT_OWNER_SIGNED", "proofRecord carries a different value");
  }
  if (req.sequence <= proof->sequence) {
    return make_error("SEQUENCE_NOT_NEWER", "sequence must be greater than the proofRecord's (" +
                                                std::to_string(proof->sequence) + ")");
  }
  return proof;
}

}  // namespace

Result<SignEntryRequest> parse_sign_entry(const json& entry, std::string path, std::string& id) {
  auto fields = RequestFields::of(entry, std::move(path), kBadRequest);
  if (!fields) return fields.error();
  const RequestFields& r = *fields;
  SignEntryRequest req;
  auto got_id = r.string("id", kMaxIdSize);
  if (!got_id) return got_id.error();
  id = req.id = std::move(*got_id);
  auto name = r.string("ipnsName", kMaxNameSize);
  if (!name) return name.error();
  req.ipns_name = std::move(*name);
  auto key = r.base64("encryptedKey", kMaxCiphertextSize);
  if (!key) return key.error();
  req.encrypted_key = std::move(*key);
  auto key_epoch = r.optional_uint64("keyEpoch");
  if (!key_epoch) return key_epoch.error();
  req.key_epoch = *key_epoch;
  auto value = r.string("value", kMaxValueSize);
  if (!value) return value.error();
  req.value = std::move(*value);
  auto proof = r.base64("proofRecord", ipns::kMaxRecordSize);
  if (!proof) return proof.error();
  req.proof_record = std::move(*proof);
  auto seq = r.uint64("sequence", cbx::json::Uint64Form::kCanonicalDecimalString);
  if (!seq) return seq.error();
  req.sequence = *seq;
  if (r.has("validity")) {
    auto v = r.string("validity", kMaxValiditySize);
    if (!v) return v.error();
    req.validity = std::move(*v);
  } else if (r.has("lifetimeSeconds")) {
    auto l = r.uint64("lifetimeSeconds");
    if (!l) return l.error();
    req.lifetime_seconds = *l;
  }
  if (r.has("ttlSeconds")) {
    auto t = r.uint64_in("ttlSeconds", 0, kMaxTtlSeconds);
    if (!t) return t.error();
    req.ttl_seconds = *t;
  }
  return req;
}

Result<std::shared_ptr<const EpochKey>> key_for_epoch(EpochKeyCache& keys, const EpochKey& current,
                                                      std::optional<std::uint64_t> key_epoch) {
  std::uint64_t epoch = key_epoch.value_or(current.epoch);
  if (epoch > current.epoch) {
    return make_error("UNKNOWN_EPOCH", "keyEpoch is newer than currentEpoch");
  }
  auto key = keys.get(epoch);
  if (!key)
    return make_error("UNKNOWN_EPOCH",
                      "epoch " + std::to_string(epoch) + ": " + key.error().message);
  return key;
}

Result<SignedEntry> sign_entry(const SignEntryRequest& req, SignContext& ctx) {
  auto name = ipns::parse_name(req.ipns_name);
  if (!name || !name->ed25519_public_key()) {
    return make_error(kBadRequest, "ipnsName: not an Ed25519 IPNS name");
  }
  auto value_cid = cid_of_path(req.value);
  if (!value_cid) return make_error("BAD_VALUE", "value must be /ipfs/<cid>");
  auto validity = signed_validity(req, ctx);
  if (!validity) return validity.error();

  auto proof = check_proof(req, *name, *value_cid, ctx);
  if (!proof) return proof.error();

  auto sealed_to = key_for_epoch(ctx.keys, ctx.current, req.key_epoch);
  if (!sealed_to) return sealed_to.error();
  auto seed = ecies::decrypt((*sealed_to)->private_key, req.encrypted_key);
  if (!seed) return make_error("DECRYPT_FAILED", ecies::kDecryptFailedMessage);
  if (seed->size() != ed25519::kSeedSize) {
    return make_error("BAD_KEY", "the sealed key is not a 32-byte Ed25519 seed");
  }
  auto key = ed25519::key_pair_from_seed(seed->span());
  if (!key) return make_error("BAD_KEY", "the sealed key is not a 32-byte Ed25519 seed");
  if (ipns::name_from_ed25519(key->public_key).multihash != name->multihash) {
    return make_error("KEY_NAME_MISMATCH", "the sealed key is not the key of ipnsName");
  }

  // The owner's exact value string is re-signed (same content as the request's value).
  ipns::RecordFields fields{proof->value, *validity, req.sequence,
                            req.ttl_seconds * 1'000'000'000ULL};
  auto record = ipns::make_record(*key, fields, /*v1_compatible=*/true);
  if (!record)
    return make_error("SIGN_FAILED", "record could not be built: " + record.error().code);
  ctx.verified.insert(name->routing_key(), *record);

  SignedEntry out{std::move(*record), req.sequence, std::move(*validity), std::nullopt};
  if ((*sealed_to)->epoch != ctx.current.epoch) {
    auto resealed = ecies::encrypt(ctx.current.public_key, seed->span());
    if (!resealed) return make_error("SIGN_FAILED", "re-encryption to currentEpoch failed");
    out.rewrapped = Rewrapped{ctx.current.epoch, std::move(*resealed)};
  }
  return out;
}

}  // namespace cbx::signer
