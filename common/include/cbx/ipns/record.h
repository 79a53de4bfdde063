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
  std::string value;     // stored verbatim: normalize with normalize_value() first
  std::string validity;  // stored verbatim: make it with format_validity()
  std::uint64_t sequence = 0;
  std::uint64_t ttl_ns = kDefaultTtlNs;
};

// Marshaled IpnsEntry. v1_compatible: also the legacy V1 fields (value, signatureV1,
// validityType, validity, sequence, ttl), as the npm package does by default.
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
// Everything ipnsValidator(routingKey, bytes) checks, incl. expiry against `now`.
Result<Record> validate_record(const Name& name, ByteView bytes, TimePoint now);
// Same but expiry ignored: "this key signed this record" (the signer's proofRecord check).
Result<Record> verify_record_signature(const Name& name, ByteView bytes);

}  // namespace cbx::ipns
