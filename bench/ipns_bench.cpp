// IPNS record creation and validation through cbx_ipns (the signer's per-entry work besides the
// ECIES decrypt). Record: ipns-01 of ipns.json, a 65-byte /ipfs/bafy… value, 397 bytes V1+V2.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>

#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"

namespace {

const cbx::Bytes& seed() {
  static const cbx::Bytes value =
      *cbx::hex_decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  return value;
}

const cbx::ipns::RecordFields& fields() {
  static const cbx::ipns::RecordFields value{
      "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu",
      "2999-12-31T23:59:59.999999999Z", 0, cbx::ipns::kDefaultTtlNs};
  return value;
}

void BM_RecordMake(benchmark::State& state) {
  for (auto _ : state) {
    auto key = cbx::ed25519::key_pair_from_seed(seed());
    auto record = cbx::ipns::make_record(*key, fields(), true);
    if (!record.ok()) std::abort();
    benchmark::DoNotOptimize(record->data());
  }
}
BENCHMARK(BM_RecordMake);

void BM_RecordMakePrederivedKey(benchmark::State& state) {
  const auto key = cbx::ed25519::key_pair_from_seed(seed());
  for (auto _ : state) {
    auto record = cbx::ipns::make_record(*key, fields(), true);
    if (!record.ok()) std::abort();
    benchmark::DoNotOptimize(record->data());
  }
}
BENCHMARK(BM_RecordMakePrederivedKey);

void BM_RecordValidate(benchmark::State& state) {
  const auto key = cbx::ed25519::key_pair_from_seed(seed());
  const auto name = cbx::ipns::name_from_ed25519(key->public_key);
  const auto record = cbx::ipns::make_record(*key, fields(), true);
  if (!record.ok() || record->size() != 397) std::abort();
  const auto now = cbx::ipns::TimePoint(std::chrono::seconds(1'767'225'600));  // 2026-01-01
  for (auto _ : state) {
    auto result = cbx::ipns::validate_record(name, *record, now);
    if (!result.ok()) std::abort();
    benchmark::DoNotOptimize(result->sequence);
  }
}
BENCHMARK(BM_RecordValidate);

// The floor of BM_RecordValidate: one Ed25519 verification of "ipns-signature:" || 152-byte CBOR.
void BM_Floor_Ed25519Verify167(benchmark::State& state) {
  const auto key = cbx::ed25519::key_pair_from_seed(seed());
  const cbx::Bytes message(167, 0x42);
  const auto signature = cbx::ed25519::sign(*key, message);
  for (auto _ : state) {
    if (!cbx::ed25519::verify(key->public_key, message, signature)) std::abort();
  }
}
BENCHMARK(BM_Floor_Ed25519Verify167);

void BM_NameParse(benchmark::State& state) {
  for (auto _ : state) {
    auto name =
        cbx::ipns::parse_name("k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj260");
    if (!name.ok()) std::abort();
    benchmark::DoNotOptimize(name->multihash.data());
  }
}
BENCHMARK(BM_NameParse);

}  // namespace
