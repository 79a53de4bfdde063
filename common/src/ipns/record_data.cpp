#include "record_data.h"

#include <cbor.h>

#include <memory>
#include <string_view>

namespace cbx::ipns {
namespace {

// cborg nests without limit; this bound only keeps the recursive walk below off the stack's edge
// (a 10240-byte record could otherwise nest 10240 levels).
constexpr int kMaxNesting = 256;

Error invalid_cbor(std::string message) {
  return make_error("INVALID_RECORD", "Invalid CBOR data: " + std::move(message));
}

struct ItemDeleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using ItemPtr = std::unique_ptr<cbor_item_t, ItemDeleter>;

// Bytes of a definite-length byte or text string.
Bytes string_bytes(const cbor_item_t* item) {
  const bool text = cbor_isa_string(item);
  const std::uint8_t* data = text ? cbor_string_handle(item) : cbor_bytestring_handle(item);
  const std::size_t size = text ? cbor_string_length(item) : cbor_bytestring_length(item);
  return data == nullptr ? Bytes{} : Bytes(data, data + size);
}

// What cborg (default options, no tag decoders, plain-object maps) refuses anywhere in the tree:
// tags, indefinite-length byte/text strings (indefinite arrays and maps are fine) and map keys
// that are not text strings.
bool acceptable(const cbor_item_t* item, int depth) {
  if (depth > kMaxNesting) return false;
  switch (cbor_typeof(item)) {
    case CBOR_TYPE_TAG:
      return false;
    case CBOR_TYPE_BYTESTRING:
      return cbor_bytestring_is_definite(item);
    case CBOR_TYPE_STRING:
      return cbor_string_is_definite(item);
    case CBOR_TYPE_ARRAY: {
      cbor_item_t** items = cbor_array_handle(item);
      for (std::size_t i = 0; i < cbor_array_size(item); ++i) {
        if (!acceptable(items[i], depth + 1)) return false;
      }
      return true;
    }
    case CBOR_TYPE_MAP: {
      struct cbor_pair* pairs = cbor_map_handle(item);
      for (std::size_t i = 0; i < cbor_map_size(item); ++i) {
        if (!cbor_isa_string(pairs[i].key) || !cbor_string_is_definite(pairs[i].key) ||
            !acceptable(pairs[i].value, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    default:
      return true;
  }
}

// libcbor allocates a definite array or map for its declared size before reading any element,
// so 9 bytes could ask for gigabytes. Every element takes at least one byte, so a declared size
// larger than the bytes left cannot be genuine: such input is refused before cbor_load sees it.
struct SizeBound {
  std::size_t remaining = 0;
  bool plausible = true;
};

bool plausible_sizes(ByteView cbor) {
  struct cbor_callbacks callbacks = cbor_empty_callbacks;
  callbacks.array_start = [](void* context, std::size_t size) {
    auto* bound = static_cast<SizeBound*>(context);
    if (size > bound->remaining) bound->plausible = false;
  };
  callbacks.map_start = [](void* context, std::size_t size) {
    auto* bound = static_cast<SizeBound*>(context);
    if (size > bound->remaining / 2) bound->plausible = false;
  };
  SizeBound bound;
  for (std::size_t pos = 0; pos < cbor.size() && bound.plausible;) {
    bound.remaining = cbor.size() - pos;
    const auto result =
        cbor_stream_decode(cbor.data() + pos, cbor.size() - pos, &callbacks, &bound);
    if (result.status != CBOR_DECODER_FINISHED) break;  // cbor_load reports it as malformed
    pos += result.read;
  }
  return bound.plausible;
}

std::optional<Bytes> as_byte_string(const cbor_item_t* item) {
  if (!cbor_isa_bytestring(item)) return std::nullopt;
  return string_bytes(item);
}

std::optional<std::uint64_t> as_uint(const cbor_item_t* item) {
  if (!cbor_isa_uint(item)) return std::nullopt;
  return cbor_get_int(item);
}

void assign_field(RecordData& out, std::string_view key, const cbor_item_t* value) {
  if (key == "Value")
    out.value = as_byte_string(value);
  else if (key == "Validity")
    out.validity = as_byte_string(value);
  else if (key == "ValidityType")
    out.validity_type = as_uint(value);
  else if (key == "Sequence")
    out.sequence = as_uint(value);
  else if (key == "TTL")
    out.ttl_ns = as_uint(value);
}

// Appends one libcbor encoder call's output; the buffer is sized so that it always fits.
template <class Encode>
void put(Bytes& out, Encode encode) {
  std::uint8_t buf[9];
  const std::size_t n = encode(buf, sizeof buf);
  out.insert(out.end(), buf, buf + n);
}

void put_key(Bytes& out, std::string_view key) {
  put(out,
      [&](std::uint8_t* b, std::size_t n) { return cbor_encode_string_start(key.size(), b, n); });
  out.insert(out.end(), key.begin(), key.end());
}

void put_uint(Bytes& out, std::uint64_t v) {
  put(out, [&](std::uint8_t* b, std::size_t n) { return cbor_encode_uint(v, b, n); });
}

void put_bytes(Bytes& out, ByteView bytes) {
  put(out, [&](std::uint8_t* b, std::size_t n) {
    return cbor_encode_bytestring_start(bytes.size(), b, n);
  });
  out.insert(out.end(), bytes.begin(), bytes.end());
}

}  // namespace

// libcbor's item builders would also produce these bytes, but only its low-level encoders
// guarantee the key order and shortest integer forms DAG-CBOR needs without allocating per item,
// so the five-key map is written head by head.
Bytes encode_record_data(ByteView value, ByteView validity, std::uint64_t sequence,
                         std::uint64_t ttl_ns) {
  Bytes out;
  out.reserve(value.size() + validity.size() + 80);
  put(out, [](std::uint8_t* b, std::size_t n) { return cbor_encode_map_start(5, b, n); });
  put_key(out, "TTL");
  put_uint(out, ttl_ns);
  put_key(out, "Value");
  put_bytes(out, value);
  put_key(out, "Sequence");
  put_uint(out, sequence);
  put_key(out, "Validity");
  put_bytes(out, validity);
  put_key(out, "ValidityType");
  put_uint(out, 0);
  return out;
}

Result<RecordData> decode_record_data(ByteView cbor) {
  if (!plausible_sizes(cbor)) return invalid_cbor("collection larger than its input");
  struct cbor_load_result result;
  ItemPtr root(cbor_load(cbor.data(), cbor.size(), &result));
  if (!root || result.error.code != CBOR_ERR_NONE) return invalid_cbor("malformed");
  if (result.read != cbor.size()) return invalid_cbor("trailing bytes");
  if (!cbor_isa_map(root.get())) return invalid_cbor("not a map");
  if (!acceptable(root.get(), 0)) return invalid_cbor("tags or non-string map keys");
  RecordData out;
  struct cbor_pair* pairs = cbor_map_handle(root.get());
  for (std::size_t i = 0; i < cbor_map_size(root.get()); ++i) {
    const Bytes key = string_bytes(pairs[i].key);
    assign_field(out, {reinterpret_cast<const char*>(key.data()), key.size()}, pairs[i].value);
  }
  return out;
}

}  // namespace cbx::ipns
