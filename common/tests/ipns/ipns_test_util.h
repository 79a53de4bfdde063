#pragma once
// Helpers for the IPNS tests: the reference vectors (made by the npm `ipns` package), hex, keys
// and the fixed clock the expected outcomes are checked at.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/validity.h"

namespace cbx::ipns::test {

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

inline Bytes unbase64(const std::string& text) {
  auto bytes = base64_decode(text);
  EXPECT_TRUE(bytes.has_value()) << "bad base64 in test data";
  return bytes.value_or(Bytes{});
}

inline ed25519::KeyPair key_from_seed_hex(const std::string& seed_hex) {
  auto key = ed25519::key_pair_from_seed(unhex(seed_hex));
  EXPECT_TRUE(key.ok());
  return std::move(key.value());
}

// 2026-01-01T00:00:00Z: every vector's expected outcome holds then (validities are 2020 or >=
// 2100).
inline TimePoint fixed_now() {
  using namespace std::chrono;
  return TimePoint(sys_days(year(2026) / January / 1).time_since_epoch());
}

inline std::uint64_t to_u64(const nlohmann::json& decimal) {
  return std::stoull(decimal.get<std::string>());
}

}  // namespace cbx::ipns::test
