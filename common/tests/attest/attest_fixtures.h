#pragma once
// Shared helpers of the attestation unit tests: the captured sample quote and collateral
// (tests/vectors/attestation, from dcap-qvl's samples) and time points.
#include <fstream>
#include <sstream>
#include <string>

#include "cbx/attest/collateral.h"
#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"

namespace cbx::attest::test {

inline std::string read_vector(const std::string& name) {
  std::ifstream in(std::string(CBX_VECTORS_DIR) + "/attestation/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Bytes sample_quote() {
  std::string raw = read_vector("tdx_quote");
  return Bytes(raw.begin(), raw.end());
}

inline Collateral sample_collateral() {
  return *parse_collateral_json(read_vector("tdx_quote_collateral.json"));
}

inline SysTime at(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

// The sample's collateral window contains this instant (reference verdict: UpToDate).
inline SysTime sample_time() {
  return at("2025-06-25T00:00:00Z");
}

}  // namespace cbx::attest::test
