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

#include "cbx/base/result.h"

namespace cbx::json {

inline constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

enum class Uint64Form {
  kNumber,                 // a JSON integer >= 0
  kNumberOrDecimalString,  // also "0".."18446744073709551615" (the CRDs' sequences)
};

class FieldReader {
 public:
  // `object` must outlive the reader. path: where it sits ("spec"; "" for the top level).
  FieldReader(const nlohmann::json& object, std::string path, std::string error_code);
  // An Error when `value` is not an object.
  static Result<FieldReader> of(const nlohmann::json& value, std::string path,
                                std::string error_code);

  bool has(std::string_view key) const;  // present and not null
  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const;
  Error error(std::string_view key, std::string_view why) const;

  Result<std::string> string(std::string_view key, std::size_t max_size = kNoLimit) const;
  Result<std::optional<std::string>> optional_string(std::string_view key,
                                                     std::size_t max_size = kNoLimit) const;
  Result<std::uint64_t> uint64(std::string_view key, Uint64Form form = Uint64Form::kNumber) const;
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

 private:
  const nlohmann::json* find(std::string_view key) const;

  const nlohmann::json* object_;
  std::string path_;
  std::string code_;
};

// A JSON value as an unsigned 64-bit integer in the given form; nullopt for anything else
// (floats, negatives, booleans, strings with signs, spaces or more than 20 digits).
std::optional<std::uint64_t> uint64_of(const nlohmann::json& value, Uint64Form form);

}  // namespace cbx::json
