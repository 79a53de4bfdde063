// In-process DCAP verification of a TDX quote with cached (already parsed) collateral: the
// captured sample at its reference time (UpToDate). Target <= 5 ms per quote. The reference
// peer's time (@phala/dcap-qvl, same quote and collateral) is measured beside it by
// hack/run-benchmarks.sh.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "cbx/attest/collateral.h"
#include "cbx/attest/quote_verifier.h"

namespace {

std::string read_vector(const char* name) {
  std::ifstream in(std::string(CBX_VECTORS_DIR) + "/attestation/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const cbx::Bytes& sample_quote() {
  static const cbx::Bytes quote = [] {
    std::string raw = read_vector("tdx_quote");
    return cbx::Bytes(raw.begin(), raw.end());
  }();
  return quote;
}

const cbx::attest::Collateral& sample_collateral() {
  static const cbx::attest::Collateral collateral =
      *cbx::attest::parse_collateral_json(read_vector("tdx_quote_collateral.json"));
  return collateral;
}

void BM_VerifyTdxQuoteCachedCollateral(benchmark::State& state) {
  const auto now = *cbx::parse_rfc3339("2025-06-25T00:00:00Z");
  const auto& quote = sample_quote();
  const auto& collateral = sample_collateral();
  if (!cbx::attest::verify_tdx_quote(quote, collateral, now).verified) {
    state.SkipWithError("sample quote does not verify");
    return;
  }
  for (auto _ : state) {
    auto verdict = cbx::attest::verify_tdx_quote(quote, collateral, now);
    benchmark::DoNotOptimize(verdict);
  }
}
BENCHMARK(BM_VerifyTdxQuoteCachedCollateral)->Unit(benchmark::kMillisecond);

void BM_ParseTdxQuote(benchmark::State& state) {
  const auto& quote = sample_quote();
  for (auto _ : state) benchmark::DoNotOptimize(cbx::attest::parse_quote_v4(quote));
}
BENCHMARK(BM_ParseTdxQuote)->Unit(benchmark::kMicrosecond);

void BM_ParseCollateralJson(benchmark::State& state) {
  const std::string text = read_vector("tdx_quote_collateral.json");
  for (auto _ : state) benchmark::DoNotOptimize(cbx::attest::parse_collateral_json(text));
}
BENCHMARK(BM_ParseCollateralJson)->Unit(benchmark::kMicrosecond);

}  // namespace
