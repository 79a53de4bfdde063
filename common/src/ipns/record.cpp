#include "cbx/ipns/record.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "cbx/ipns/cid.h"
#include "cbx/ipns/value.h"
#include "ipns.pb.h"
#include "public_key.h"
#include "record_data.h"

namespace cbx::ipns {
namespace {

constexpr std::string_view kSignatureV2Prefix = "ipns-signature:";
constexpr std::string_view kV1ValidityType = "EOL";  // V1 signs the enum's name, not its number

Error error(std::string code, std::string message) {
  return make_error(std::move(code), std::move(message));
}

Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  std::size_t size = 0;
  for (auto p : parts) size += p.size();
  out.reserve(size);
  for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

ByteView view(const std::string& s) {
  return as_bytes(s);
}

bool equal(ByteView a, ByteView b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

struct ParsedRecord {
  pb::IpnsEntry entry;
  Record record;
};

Error field_mismatch(std::string_view field) {
  return error("FIELD_MISMATCH",
               "Field \"" + std::string(field) + "\" did not match between protobuf and CBOR");
}

// validateCborDataMatchesPbData: run (as in the JS library) only when the protobuf carries both
// `value` and `signatureV1`. Boxo runs it when either is present; the JS rule is followed so that
// every record the reference validator accepts is accepted here too.
Status check_v1_fields(const pb::IpnsEntry& entry, const RecordData& data) {
  if (!equal(*data.value, view(entry.value()))) return field_mismatch("value");
  if (!equal(*data.validity, view(entry.validity()))) return field_mismatch("validity");
  if (!entry.has_validitytype() || entry.validitytype() != pb::IpnsEntry::EOL) {
    return field_mismatch("validityType");
  }
  if (!entry.has_sequence() || entry.sequence() != *data.sequence) {
    return field_mismatch("sequence");
  }
  if (!entry.has_ttl() || entry.ttl() != *data.ttl_ns) return field_mismatch("ttl");
  return ok_status();
}

// unmarshalIPNSRecord, in the JS library's order of checks.
Result<ParsedRecord> parse_record(ByteView bytes) {
  ParsedRecord parsed;
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !parsed.entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return error("INVALID_RECORD", "Invalid protobuf IpnsEntry");
  }
  const pb::IpnsEntry& entry = parsed.entry;
  if (!entry.has_signaturev2() || !entry.has_data()) {
    return error("MISSING_SIGNATURE_V2", "Missing data or signatureV2");
  }
  auto data = decode_record_data(view(entry.data()));
  if (!data) return data.error();
  if (data->validity_type != 0u) {
    return error("UNSUPPORTED_VALIDITY", "The validity type is unsupported");
  }
  if (!data->value) return error("INVALID_RECORD", "CBOR Value is missing or not a byte string");
  auto value = normalize_stored_value(*data->value);
  if (!value) return value.error();
  if (!data->validity) {
    return error("INVALID_RECORD", "CBOR Validity is missing or not a byte string");
  }
  // Stricter than JS, which would carry `undefined` along: a record without an integer
  // Sequence or TTL cannot be ordered or cached, so it is refused.
  if (!data->sequence || !data->ttl_ns) {
    return error("INVALID_RECORD", "CBOR Sequence or TTL is missing or not an unsigned integer");
  }
  if (entry.has_value() && entry.has_signaturev1()) CBX_TRY_STATUS(check_v1_fields(entry, *data));
  std::string validity(data->validity->begin(), data->validity->end());
  // JS parses the validity only for the expiry check, leniently; here it must be RFC3339.
  auto validity_time = parse_validity(validity);
  if (!validity_time) return error("INVALID_RECORD", "Validity is not an RFC3339 date-time");
  parsed.record = Record{std::move(*value), std::move(validity), *validity_time, *data->sequence,
                         *data->ttl_ns};
  return parsed;
}

// The key the record must verify under: embedded pubKey if present, else the name's own key
// (extractPublicKeyFromIPNSRecord ?? publicKeyFromMultihash), named exactly by `name`.
Result<PublicKey> signing_key(const pb::IpnsEntry& entry, const std::optional<PublicKey>& from_name,
                              const Name& name) {
  std::optional<PublicKey> key = from_name;
  if (entry.has_pubkey()) {
    auto embedded = parse_public_key_proto(view(entry.pubkey()));
    if (!embedded) return embedded.error();
    key = std::move(*embedded);
  }
  if (!key) {
    return error("INVALID_EMBEDDED_PUBLIC_KEY",
                 "Could not extract public key from IPNS record or routing key");
  }
  Bytes expected = concat({as_bytes("/ipns/"), public_key_multihash(*key)});
  if (expected != name.routing_key()) {
    return error("INVALID_EMBEDDED_PUBLIC_KEY", "Embedded public key did not match routing key");
  }
  return std::move(*key);
}

// multihashFromIPNSRoutingKey + publicKeyFromMultihash for the name being validated against.
Result<std::optional<PublicKey>> name_key(const Name& name) {
  auto code = multihash_code(name.multihash);
  if (!code || (*code != kMultihashIdentity && *code != kMultihashSha2_256)) {
    return error("INVALID_MULTIHASH", "Multihash in IPNS key was not identity or sha2-256");
  }
  if (*code != kMultihashIdentity) return std::optional<PublicKey>{};
  std::size_t pos = 0;
  (void)varint_read(name.multihash, pos);
  (void)varint_read(name.multihash, pos);
  auto key = parse_public_key_proto(ByteView(name.multihash).subspan(pos));
  if (!key) return key.error();
  return std::optional<PublicKey>(std::move(*key));
}

Status verify_signature_v2(const PublicKey& key, const pb::IpnsEntry& entry) {
  // Only Ed25519 is implemented; the JS library would also verify RSA, secp256k1 and ECDSA.
  if (key.type != KeyType::kEd25519) {
    return error("UNSUPPORTED_KEY_TYPE", "Only Ed25519 IPNS keys are supported");
  }
  const Bytes message = concat({as_bytes(kSignatureV2Prefix), view(entry.data())});
  if (!ed25519::verify(key.data, message, view(entry.signaturev2()))) {
    return error("SIGNATURE_INVALID", "Record signature verification failed");
  }
  return ok_status();
}

// ipnsValidator(routingKey, bytes); `now` == nullptr skips only the expiry check.
Result<Record> check_record(const Name& name, ByteView bytes, const TimePoint* now) {
  if (bytes.size() > kMaxRecordSize) return error("RECORD_TOO_LARGE", "The record is too large");
  auto from_name = name_key(name);
  if (!from_name) return from_name.error();
  auto parsed = parse_record(bytes);
  if (!parsed) return parsed.error();
  auto key = signing_key(parsed->entry, *from_name, name);
  if (!key) return key.error();
  CBX_TRY_STATUS(verify_signature_v2(*key, parsed->entry));
  if (now != nullptr) {
    auto expired = validity_expired(parsed->record.validity, *now);
    if (!expired) return error("INVALID_RECORD", "Validity is not an RFC3339 date-time");
    if (*expired) return error("RECORD_EXPIRED", "record has expired");
  }
  return std::move(parsed->record);
}

}  // namespace

Result<Bytes> make_record(const ed25519::KeyPair& key, const RecordFields& fields,
                          bool v1_compatible) {
  auto value = normalize_value(fields.value);
  if (!value) return value.error();
  auto validity = canonical_validity(fields.validity);
  if (!validity) return validity.error();
  Bytes data = encode_record_data(view(*value), view(*validity), fields.sequence, fields.ttl_ns);
  const auto signature_v2 = ed25519::sign(key, concat({as_bytes(kSignatureV2Prefix), data}));

  pb::IpnsEntry entry;
  if (v1_compatible) {
    const auto signature_v1 =
        ed25519::sign(key, concat({view(*value), view(*validity), as_bytes(kV1ValidityType)}));
    entry.set_value(*value);
    entry.set_signaturev1(signature_v1.data(), signature_v1.size());
    entry.set_validitytype(pb::IpnsEntry::EOL);
    entry.set_validity(*validity);
    entry.set_sequence(fields.sequence);
    entry.set_ttl(fields.ttl_ns);
  }
  entry.set_signaturev2(signature_v2.data(), signature_v2.size());
  entry.set_data(data.data(), data.size());
  std::string out;
  entry.SerializeToString(&out);
  // Nobody accepts a larger record, so it is not worth publishing.
  if (out.size() > kMaxRecordSize) return error("RECORD_TOO_LARGE", "The record is too large");
  return Bytes(out.begin(), out.end());
}

Result<Record> unmarshal_record(ByteView bytes) {
  auto parsed = parse_record(bytes);
  if (!parsed) return parsed.error();
  return std::move(parsed->record);
}

Result<Record> validate_record(const Name& name, ByteView bytes, TimePoint now) {
  return check_record(name, bytes, &now);
}

Result<Record> verify_record_signature(const Name& name, ByteView bytes) {
  return check_record(name, bytes, nullptr);
}

}  // namespace cbx::ipns
