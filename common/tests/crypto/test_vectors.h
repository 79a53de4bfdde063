#pragma once
// Helpers for the crypto tests: reading the reference vectors (made by the npm libraries) and hex.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/base/secret_bytes.h"

namespace cbx::test {

inline nlohmann::json load_vectors(const std::string& file_name) {
  std::ifstream in(std::string(CBX_VECTORS_DIR) + "/" + file_name);
  EXPECT_TRUE(in.good()) << "cannot open " << file_name << " in " << CBX_VECTORS_DIR;
  return nlohmann::json::parse(in);
}

inline Bytes unhex(const std::string& text) {
  auto bytes = hex_decode(text);
  EXPECT_TRUE(bytes.has_value()) << "bad hex in test data: " << text;
  return bytes.value_or(Bytes{});
}

inline SecretBytes secret_from_hex(const std::string& text) {
  const Bytes bytes = unhex(text);
  return SecretBytes(bytes.data(), bytes.size());
}

inline Bytes to_bytes(ByteView view) {
  return Bytes(view.begin(), view.end());
}

}  // namespace cbx::test
