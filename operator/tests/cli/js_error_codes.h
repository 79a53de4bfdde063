#pragma once
// The cbx::Error code that corresponds to an error thrown by the ipns npm package's validator
// ("<error.name>: <error.message>" as the interop peers print it, or name and message apart).
#include <string>
#include <string_view>

namespace cbx::testing {

inline std::string expected_error_code(std::string_view name, std::string_view message) {
  if (name == "RecordExpiredError") return "RECORD_EXPIRED";
  if (name == "RecordTooLargeError") return "RECORD_TOO_LARGE";
  if (name == "UnsupportedValidityError") return "UNSUPPORTED_VALIDITY";
  if (name == "InvalidValueError") return "INVALID_VALUE";
  if (name == "InvalidMultihashError") return "INVALID_MULTIHASH";
  if (name == "UnsupportedKeyTypeError") return "UNSUPPORTED_KEY_TYPE";
  if (name == "InvalidEmbeddedPublicKeyError") return "INVALID_EMBEDDED_PUBLIC_KEY";
  if (name == "SignatureVerificationError") {
    if (message == "Missing data or signatureV2") return "MISSING_SIGNATURE_V2";
    if (message.find("did not match between protobuf and CBOR") != std::string_view::npos) {
      return "FIELD_MISMATCH";
    }
    return "SIGNATURE_INVALID";
  }
  return "INVALID_RECORD";  // protobuf / CBOR decoding errors (plain Error, RangeError, …)
}

inline std::string expected_error_code(std::string_view peer_error) {
  const auto colon = peer_error.find(": ");
  if (colon == std::string_view::npos) return expected_error_code(peer_error, "");
  return expected_error_code(peer_error.substr(0, colon), peer_error.substr(colon + 2));
}

}  // namespace cbx::testing
