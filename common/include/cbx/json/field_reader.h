#pragma once
// Strict, exception-free reading of one JSON object's fields, shared by the signer, the operator
// and the CLI. Every failure is an Error with the caller's code whose message names the field's
// JSON path ("spec.signer.url: expected a string"); values are never echoed (they may be
// ciphertexts). A wrong type, a float where an integer goes, a negative or out-of-range number
// is an error, never an exception. A null field counts as absent.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::json {

inline constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

enum class Uint64Form {
  kNumber,                 // a JSON integer >= 0
  kNumberOrDecimalString,  // also "0".."18446744073709551615" (the CRDs' sequences)
  // Only a string "0".."18446744073709551615" without leading zeros (the signer's sequences).
  kCanonicalDecimalString,
  // A JSON integer >= 0 or such a string (what the signer answers).
  kNumberOrCanonicalDecimalString,
};

class FieldReader {
 public:
  // `object` must outlive the reader. path: where it sits ("spec"; "" for the top level).
  FieldReader(const nlohmann::json& object, std::string path, std::string error_code);
  // An Error when `value` is not an object.
  static Result<FieldReader> of(const nlohmann::json& value, std::string path,
                                std::string error_code);

  bool has(std::string_view key) const;  // present and not null
  // The field's raw value when present and not null (for free-form fields), else nullptr.
  const nlohmann::json* value(std::string_view key) const;
  const std::string& path() const { return path_; }
  const std::string& code() const { return code_; }
  std::string path_of(std::string_view key) const;
  Error error(std::string_view key, std::string_view why) const;

  Result<std::string> string(std::string_view key, std::size_t max_size = kNoLimit) const;
  Result<std::optional<std::string>> optional_string(std::string_view key,
                                                     std::size_t max_size = kNoLimit) const;
  // 1..max_size bytes.
  Result<std::string> nonempty_string(std::string_view key, std::size_t max_size = kNoLimit) const;
  // Non-empty base64 text of at most max_chars characters that decodes; kept as text.
  Result<std::string> base64_text(std::string_view key, std::size_t max_chars) const;
  // Base64 text decoded, at most max_bytes bytes once decoded (empty text: no bytes).
  Result<Bytes> base64(std::string_view key, std::size_t max_bytes) const;
  // Hex text (an optional 0x prefix) decoded, at most max_bytes bytes.
  Result<Bytes> hex(std::string_view key, std::size_t max_bytes) const;
  Result<std::uint64_t> uint64(std::string_view key, Uint64Form form = Uint64Form::kNumber) const;
  // Within [min, max]; outside it "expected an integer from min to max".
  Result<std::uint64_t> uint64_in(std::string_view key, std::uint64_t min, std::uint64_t max,
                                  Uint64Form form = Uint64Form::kNumber) const;
  Result<std::optional<std::uint64_t>> optional_uint64(std::string_view key,
                                                       Uint64Form form = Uint64Form::kNumber) const;
  Result<std::int64_t> int64(std::string_view key) const;
  Result<std::optional<std::int64_t>> optional_int64(std::string_view key) const;
  Result<bool> boolean(std::string_view key) const;
  Result<std::optional<bool>> optional_boolean(std::string_view key) const;
  Result<FieldReader> object(std::string_view key) const;
  Result<std::optional<FieldReader>> optional_object(std::string_view key) const;
  // The array itself (elements read with element_path()); at most max_items entries.
  Result<const nlohmann::json*> array(std::string_view key, std::size_t max_items = kNoLimit) const;
  Result<std::optional<const nlohmann::json*>> optional_array(
      std::string_view key, std::size_t max_items = kNoLimit) const;
  std::string element_path(std::string_view key, std::size_t index) const;
  // Element `index` of `array` (read from field `key`) as an object, or an error naming it.
  Result<FieldReader> element_object(std::string_view key, const nlohmann::json& array,
                                     std::size_t index) const;

 private:
  const nlohmann::json* find(std::string_view key) const;
  Result<Bytes> decoded(std::string_view key, std::size_t max_bytes, std::size_t max_chars,
                        const char* encoding,
                        std::optional<Bytes> (*decode)(std::string_view)) const;

  const nlohmann::json* object_;
  std::string path_;
  std::string code_;
};

// "0".."18446744073709551615": digits only (no sign, no spaces), at most 20 of them; leading
// zeros only when allowed.
std::optional<std::uint64_t> decimal_uint64(std::string_view text, bool leading_zeros_allowed);

// A JSON value as an unsigned 64-bit integer in the given form; nullopt for anything else
// (floats, negatives, booleans, strings with signs, spaces or more than 20 digits).
std::optional<std::uint64_t> uint64_of(const nlohmann::json& value, Uint64Form form);

}  // namespace cbx::json
