#include "cbx/json/field_reader.h"

#include <charconv>

#include "cbx/base/encoding.h"

namespace cbx::json {

using nlohmann::json;

FieldReader::FieldReader(const json& object, std::string path, std::string error_code)
    : object_(&object), path_(std::move(path)), code_(std::move(error_code)) {}

Result<FieldReader> FieldReader::of(const json& value, std::string path, std::string error_code) {
  if (!value.is_object()) {
    return make_error(error_code,
                      (path.empty() ? std::string("the value") : path) + ": expected an object");
  }
  return FieldReader(value, std::move(path), std::move(error_code));
}

const json* FieldReader::find(std::string_view key) const {
  if (!object_->is_object()) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() || it->is_null() ? nullptr : &*it;
}

bool FieldReader::has(std::string_view key) const {
  return find(key) != nullptr;
}

const json* FieldReader::value(std::string_view key) const {
  return find(key);
}

std::string FieldReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string FieldReader::element_path(std::string_view key, std::size_t index) const {
  return path_of(key) + "[" + std::to_string(index) + "]";
}

Error FieldReader::error(std::string_view key, std::string_view why) const {
  return make_error(code_, path_of(key) + ": " + std::string(why));
}

Result<std::optional<std::string>> FieldReader::optional_string(std::string_view key,
                                                                std::size_t max_size) const {
  const json* v = find(key);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) return error(key, "expected a string");
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_size) return error(key, "longer than " + std::to_string(max_size) + " bytes");
  return std::optional<std::string>(s);
}

Result<std::string> FieldReader::string(std::string_view key, std::size_t max_size) const {
  auto s = optional_string(key, max_size);
  if (!s) return s.error();
  if (!*s) return error(key, "required");
  return std::move(**s);
}

Result<std::string> FieldReader::nonempty_string(std::string_view key, std::size_t max_size) const {
  auto s = string(key, max_size);
  if (s && s->empty()) return error(key, "must not be empty");
  return s;
}

Result<std::string> FieldReader::base64_text(std::string_view key, std::size_t max_chars) const {
  auto s = nonempty_string(key, max_chars);
  if (s && !base64_decode(*s)) return error(key, "expected base64");
  return s;
}

// Text of an encoding that decodes to at most max_bytes; longer text is refused before decoding.
Result<Bytes> FieldReader::decoded(std::string_view key, std::size_t max_bytes,
                                   std::size_t max_chars, const char* encoding,
                                   std::optional<Bytes> (*decode)(std::string_view)) const {
  const std::string too_long = "longer than " + std::to_string(max_bytes) + " bytes decoded";
  auto s = string(key);
  if (!s) return s.error();
  if (s->size() > max_chars) return error(key, too_long);
  auto bytes = decode(*s);
  if (!bytes) return error(key, std::string("expected ") + encoding);
  if (bytes->size() > max_bytes) return error(key, too_long);
  return std::move(*bytes);
}

Result<Bytes> FieldReader::base64(std::string_view key, std::size_t max_bytes) const {
  // Whitespace and padding aside, 4 characters carry 3 bytes.
  const std::size_t max_chars = max_bytes >= kNoLimit / 2 ? kNoLimit : max_bytes / 3 * 4 + 8;
  return decoded(key, max_bytes, max_chars, "base64", &base64_decode);
}

Result<Bytes> FieldReader::hex(std::string_view key, std::size_t max_bytes) const {
  const std::size_t max_chars = max_bytes >= kNoLimit / 2 ? kNoLimit : max_bytes * 2 + 2;  // 0x
  return decoded(key, max_bytes, max_chars, "hex", &hex_decode);
}

namespace {

bool accepts_numbers(Uint64Form form) {
  return form != Uint64Form::kCanonicalDecimalString;
}

bool accepts_strings(Uint64Form form) {
  return form != Uint64Form::kNumber;
}

bool canonical_only(Uint64Form form) {
  return form == Uint64Form::kCanonicalDecimalString ||
         form == Uint64Form::kNumberOrCanonicalDecimalString;
}

const char* expected_uint64(Uint64Form form) {
  switch (form) {
    case Uint64Form::kNumber:
      return "expected an unsigned 64-bit integer";
    case Uint64Form::kCanonicalDecimalString:
      return "expected the decimal string of an unsigned 64-bit integer";
    default:
      return "expected an unsigned 64-bit integer or its decimal string";
  }
}

}  // namespace

std::optional<std::uint64_t> decimal_uint64(std::string_view text, bool leading_zeros_allowed) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  if (!leading_zeros_allowed && text.size() > 1 && text[0] == '0') return std::nullopt;
  std::uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return out;
}

std::optional<std::uint64_t> uint64_of(const json& value, Uint64Form form) {
  if (value.is_number_integer() && !accepts_numbers(form)) return std::nullopt;
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) {
    auto n = value.get<std::int64_t>();
    if (n < 0) return std::nullopt;
    return static_cast<std::uint64_t>(n);
  }
  if (!accepts_strings(form) || !value.is_string()) return std::nullopt;
  return decimal_uint64(value.get_ref<const std::string&>(), !canonical_only(form));
}

Result<std::optional<std::uint64_t>> FieldReader::optional_uint64(std::string_view key,
                                                                  Uint64Form form) const {
  const json* v = find(key);
  if (!v) return std::optional<std::uint64_t>{};
  auto n = uint64_of(*v, form);
  if (!n) return error(key, expected_uint64(form));
  return std::optional<std::uint64_t>(*n);
}

Result<std::uint64_t> FieldReader::uint64(std::string_view key, Uint64Form form) const {
  auto n = optional_uint64(key, form);
  if (!n) return n.error();
  if (!*n) return error(key, "required");
  return **n;
}

Result<std::uint64_t> FieldReader::uint64_in(std::string_view key, std::uint64_t min,
                                             std::uint64_t max, Uint64Form form) const {
  auto n = uint64(key, form);
  if (n && (*n < min || *n > max)) {
    return error(key,
                 "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

Result<std::optional<std::int64_t>> FieldReader::optional_int64(std::string_view key) const {
  const json* v = find(key);
  if (!v) return std::optional<std::int64_t>{};
  if (v->is_number_integer() && !v->is_number_unsigned()) {
    return std::optional<std::int64_t>(v->get<std::int64_t>());
  }
  if (v->is_number_unsigned() && v->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->get<std::uint64_t>()));
  }
  return error(key, "expected a signed 64-bit integer");
}

Result<std::int64_t> FieldReader::int64(std::string_view key) const {
  auto n = optional_int64(key);
  if (!n) return n.error();
  if (!*n) return error(key, "required");
  return **n;
}

Result<std::optional<bool>> FieldReader::optional_boolean(std::string_view key) const {
  const json* v = find(key);
  if (!v) return std::optional<bool>{};
  if (!v->is_boolean()) return error(key, "expected a boolean");
  return std::optional<bool>(v->get<bool>());
}

Result<bool> FieldReader::boolean(std::string_view key) const {
  auto b = optional_boolean(key);
  if (!b) return b.error();
  if (!*b) return error(key, "required");
  return **b;
}

Result<std::optional<FieldReader>> FieldReader::optional_object(std::string_view key) const {
  const json* v = find(key);
  if (!v) return std::optional<FieldReader>{};
  if (!v->is_object()) return error(key, "expected an object");
  return std::optional<FieldReader>(FieldReader(*v, path_of(key), code_));
}

Result<FieldReader> FieldReader::object(std::string_view key) const {
  auto o = optional_object(key);
  if (!o) return o.error();
  if (!*o) return error(key, "required");
  return std::move(**o);
}

Result<FieldReader> FieldReader::element_object(std::string_view key, const json& array,
                                                std::size_t index) const {
  if (!array.is_array() || index >= array.size()) {
    return make_error(code_, element_path(key, index) + ": required");
  }
  return of(array[index], element_path(key, index), code_);
}

Result<std::optional<const json*>> FieldReader::optional_array(std::string_view key,
                                                               std::size_t max_items) const {
  const json* v = find(key);
  if (!v) return std::optional<const json*>{};
  if (!v->is_array()) return error(key, "expected a list");
  if (v->size() > max_items) {
    return error(key, "more than " + std::to_string(max_items) + " entries");
  }
  return std::optional<const json*>(v);
}

Result<const json*> FieldReader::array(std::string_view key, std::size_t max_items) const {
  auto a = optional_array(key, max_items);
  if (!a) return a.error();
  if (!*a) return error(key, "required");
  return **a;
}

}  // namespace cbx::json
