#pragma once
// The signed `data` field of an IPNS record: a DAG-CBOR map {TTL, Value, Sequence, Validity,
// ValidityType}, written exactly as the `ipns` package (cborg) writes it and read as leniently.
#include <cstdint>
#include <optional>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::ipns {

// Canonical DAG-CBOR bytes: keys in the order TTL, Value, Sequence, Validity, ValidityType;
// Value and Validity as byte strings; integers in their shortest form; ValidityType 0.
Bytes encode_record_data(ByteView value, ByteView validity, std::uint64_t sequence,
                         std::uint64_t ttl_ns);

// The known keys of a decoded map. A key that is absent or holds another CBOR type than the one
// expected (byte string / unsigned integer) is nullopt; other keys are ignored.
struct RecordData {
  std::optional<Bytes> value;
  std::optional<Bytes> validity;
  std::optional<std::uint64_t> validity_type;
  std::optional<std::uint64_t> sequence;
  std::optional<std::uint64_t> ttl_ns;
};

// As cborg.decode with its default options: any key order, duplicate keys (the last one wins),
// indefinite-length maps/arrays, non-shortest integers, floats and simple values false/true/null/
// undefined accepted anywhere; tags, indefinite-length byte/text strings, non-string map keys,
// trailing bytes, a top level other than a map, or malformed CBOR -> INVALID_RECORD.
Result<RecordData> decode_record_data(ByteView cbor);

}  // namespace cbx::ipns
