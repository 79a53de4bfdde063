#include "cbx/json/field_reader.h"

#include <charconv>

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

std::optional<std::uint64_t> uint64_of(const json& value, Uint64Form form) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) {
    auto n = value.get<std::int64_t>();
    if (n < 0) return std::nullopt;
    return static_cast<std::uint64_t>(n);
  }
  if (form != Uint64Form::kNumberOrDecimalString || !value.is_string()) return std::nullopt;
  const auto& s = value.get_ref<const std::string&>();
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return out;
}

Result<std::optional<std::uint64_t>> FieldReader::optional_uint64(std::string_view key,
                                                                  Uint64Form form) const {
  const json* v = find(key);
  if (!v) return std::optional<std::uint64_t>{};
  auto n = uint64_of(*v, form);
  if (!n) {
    return error(key, form == Uint64Form::kNumber
                          ? "expected an unsigned 64-bit integer"
                          : "expected an unsigned 64-bit integer or its decimal string");
  }
  return std::optional<std::uint64_t>(*n);
}

Result<std::uint64_t> FieldReader::uint64(std::string_view key, Uint64Form form) const {
  auto n = optional_uint64(key, form);
  if (!n) return n.error();
  if (!*n) return error(key, "required");
  return **n;
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
