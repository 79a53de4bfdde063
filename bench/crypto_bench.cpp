// ECIES and the primitives of the signer's per-entry "crypto floor" (see
// shared/research/deps-and-limits.md §2), measured through the cbx_crypto code itself.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/ed25519.h"
#include "cbx/crypto/hash.h"
#include "cbx/crypto/secp256k1.h"
#include "crypto/aes_gcm.h"
#include "crypto/ecdh.h"
#include "crypto/secp256k1_point.h"

namespace {

// A receiver key, a 32-byte Ed25519 seed sealed to it, and the pieces of that ciphertext.
struct Sealed {
  cbx::SecretBytes receiver = cbx::secp256k1::generate_private_key();
  cbx::Bytes receiver_public = cbx::secp256k1::public_key(receiver).value();
  cbx::SecretBytes seed = cbx::ed25519::generate_seed();
  cbx::Bytes ciphertext = cbx::ecies::encrypt(receiver_public, seed.span()).value();

  cbx::ByteView ephemeral_public() const { return cbx::ByteView(ciphertext).first(65); }
  cbx::ByteView nonce() const { return cbx::ByteView(ciphertext).subspan(65, 16); }
  cbx::ByteView tag() const { return cbx::ByteView(ciphertext).subspan(81, 16); }
  cbx::ByteView body() const { return cbx::ByteView(ciphertext).subspan(97); }
};

const Sealed& sealed() {
  static const Sealed value;
  return value;
}

void BM_EciesDecrypt(benchmark::State& state) {
  const Sealed& s = sealed();
  for (auto _ : state) {
    auto plaintext = cbx::ecies::decrypt(s.receiver, s.ciphertext);
    if (!plaintext.ok()) std::abort();
    benchmark::DoNotOptimize(plaintext->data());
  }
}
BENCHMARK(BM_EciesDecrypt);

void BM_EciesEncrypt(benchmark::State& state) {
  const Sealed& s = sealed();
  for (auto _ : state) {
    auto ciphertext = cbx::ecies::encrypt(s.receiver_public, s.seed.span());
    benchmark::DoNotOptimize(ciphertext->data());
  }
}
BENCHMARK(BM_EciesEncrypt);

void BM_Floor_ParseEphemeralKey(benchmark::State& state) {
  const Sealed& s = sealed();
  for (auto _ : state) {
    auto point = cbx::crypto_internal::parse_uncompressed_point(s.ephemeral_public());
    benchmark::DoNotOptimize(point);
  }
}
BENCHMARK(BM_Floor_ParseEphemeralKey);

void BM_Floor_Ecdh(benchmark::State& state) {
  const Sealed& s = sealed();
  const auto point = cbx::crypto_internal::parse_uncompressed_point(s.ephemeral_public()).value();
  std::array<std::uint8_t, cbx::crypto_internal::kSharedPointSize> shared{};
  for (auto _ : state) {
    if (!cbx::crypto_internal::ecdh_shared_point(point, s.receiver.data(), shared)) std::abort();
    benchmark::DoNotOptimize(shared.data());
  }
}
BENCHMARK(BM_Floor_Ecdh);

void BM_Floor_Hkdf(benchmark::State& state) {
  std::array<std::uint8_t, 130> ikm{};
  ikm.fill(0x5a);
  for (auto _ : state) {
    auto key = cbx::hkdf_sha256(ikm, {}, {}, 32);
    benchmark::DoNotOptimize(key.data());
  }
}
BENCHMARK(BM_Floor_Hkdf);

void BM_Floor_AesGcm(benchmark::State& state) {
  const Sealed& s = sealed();
  std::array<std::uint8_t, 130> ikm{};
  const auto point = cbx::crypto_internal::parse_uncompressed_point(s.ephemeral_public()).value();
  std::copy(s.ephemeral_public().begin(), s.ephemeral_public().end(), ikm.begin());
  std::span<std::uint8_t, 65> shared(ikm.data() + 65, 65);
  if (!cbx::crypto_internal::ecdh_shared_point(point, s.receiver.data(), shared)) std::abort();
  const cbx::SecretBytes key = cbx::hkdf_sha256(ikm, {}, {}, 32);
  std::array<std::uint8_t, 32> plaintext{};
  for (auto _ : state) {
    if (!cbx::crypto_internal::aes256gcm_decrypt(key.span(), s.nonce(), s.body(), s.tag(),
                                                 plaintext.data())) {
      std::abort();
    }
    benchmark::DoNotOptimize(plaintext.data());
  }
}
BENCHMARK(BM_Floor_AesGcm);

void BM_Floor_Ed25519PublicKey(benchmark::State& state) {
  const Sealed& s = sealed();
  for (auto _ : state) {
    auto key = cbx::ed25519::key_pair_from_seed(s.seed.span());
    benchmark::DoNotOptimize(key->public_key.data());
  }
}
BENCHMARK(BM_Floor_Ed25519PublicKey);

void BM_Floor_Ed25519Sign(benchmark::State& state) {
  const auto key = cbx::ed25519::key_pair_from_seed(sealed().seed.span()).value();
  std::array<std::uint8_t, 167> message{};  // "ipns-signature:" || 152-byte CBOR
  message.fill(0xa5);
  for (auto _ : state) {
    auto signature = cbx::ed25519::sign(key, message);
    benchmark::DoNotOptimize(signature.data());
  }
}
BENCHMARK(BM_Floor_Ed25519Sign);

}  // namespace
