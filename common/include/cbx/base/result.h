#pragma once
// Result<T>: a value or an Error. std::expected would do, but clang (used for the libFuzzer
// build) cannot compile libstdc++ 12's <expected>, so this small equivalent is used everywhere.
#include <string>
#include <utility>
#include <variant>

namespace cbx {

// code: a stable machine-readable identifier (e.g. "DECRYPT_FAILED"); message: one human line.
// Neither may ever contain key material.
struct Error {
  std::string code;
  std::string message;
};

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace cbx

// Propagates an error from an expression returning Result<...>.
#define CBX_TRY_STATUS(expr)                              \
  do {                                                    \
    auto cbx_try_result_ = (expr);                        \
    if (!cbx_try_result_) return cbx_try_result_.error(); \
  } while (0)
