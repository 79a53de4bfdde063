#pragma once
// IPNS records (IpnsEntry protobuf with a DAG-CBOR signed `data`), byte-compatible with the `ipns`
// npm package: creation, unmarshaling and the checks of its ipnsValidator.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/validity.h"

namespace cbx::ipns {

inline constexpr std::size_t kMaxRecordSize = 10240;
inline constexpr std::uint64_t kDefaultTtlNs = 300'000'000'000ULL;

struct RecordFields {
  std::string value;     // content path (normalized by make_record)
  std::string validity;  // RFC3339, e.g. format_validity(now + lifetime)
  std::uint64_t sequence = 0;
  std::uint64_t ttl_ns = kDefaultTtlNs;
};

// Marshaled IpnsEntry, byte-identical to createIPNSRecordWithExpiration + marshalIPNSRecord of the
// `ipns` package. v1_compatible: also the legacy V1 fields (value, signatureV1, validityType,
// validity, sequence, ttl), as the npm package does by default. The value is normalized
// (normalize_value) and the validity re-formatted (canonical_validity) as the package does.
// Errors: INVALID_VALUE, BAD_VALIDITY, RECORD_TOO_LARGE (a record no validator would accept).
// Note: ipns 10.1.6 itself writes corrupt protobuf when a V1 sequence or ttl lies in
// [2^31, 2^32]; these records are correct and the JS validator reads them.
Result<Bytes> make_record(const ed25519::KeyPair& key, const RecordFields& fields,
                          bool v1_compatible = true);

struct Record {
  std::string value;     // normalized content path
  std::string validity;  // as stored (CBOR Validity)
  TimePoint validity_time;
  std::uint64_t sequence = 0;
  std::uint64_t ttl_ns = 0;
};

// Structure only (protobuf, V2 presence, CBOR, validity type, value, V1/V2 consistency); no
// signature or expiry check.
Result<Record> unmarshal_record(ByteView bytes);

// Everything ipnsValidator(routingKey, bytes) of the `ipns` package (10.1.x) checks, in its order,
// incl. expiry against `now` (millisecond comparison, as JS):
//   size > kMaxRecordSize -> RECORD_TOO_LARGE; name multihash not identity/sha2-256 ->
//   INVALID_MULTIHASH; protobuf -> INVALID_RECORD; signatureV2/data absent -> MISSING_SIGNATURE_V2;
//   CBOR (non-strict) -> INVALID_RECORD; ValidityType != 0 -> UNSUPPORTED_VALIDITY; Value ->
//   INVALID_VALUE; protobuf value AND signatureV1 present -> every V1 field must equal the CBOR
//   one, else FIELD_MISMATCH (the JS rule; boxo also checks when only one of them is present);
//   key = embedded pubKey else the name's -> INVALID_EMBEDDED_PUBLIC_KEY if none or not the
//   name's; V2 signature -> SIGNATURE_INVALID; expiry -> RECORD_EXPIRED.
// Deliberately stricter than JS (which lets these through or fails later with a TypeError): CBOR
// Sequence/TTL missing or not unsigned integers, and a Validity that is not RFC3339, are
// INVALID_RECORD; keys other than Ed25519 are UNSUPPORTED_KEY_TYPE (JS would verify RSA,
// secp256k1 and ECDSA signatures). Malformed protobuf is judged by libprotobuf: protons (JS)
// reads a known field number whatever its wire type, libprotobuf does not.
Result<Record> validate_record(const Name& name, ByteView bytes, TimePoint now);
// Same but expiry ignored: "this key signed this record" (the signer's proofRecord check).
Result<Record> verify_record_signature(const Name& name, ByteView bytes);

}  // namespace cbx::ipns
