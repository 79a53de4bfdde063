// The ECIES/HKDF/AES-GCM code keeps per-thread OpenSSL contexts and one shared secp256k1
// context: concurrent use from several threads must give the same results as single-threaded.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/ed25519.h"
#include "cbx/crypto/hash.h"
#include "cbx/crypto/secp256k1.h"
#include "test_vectors.h"

namespace cbx {
namespace {

TEST(CryptoConcurrencyTest, ThreadsEncryptDecryptAndDeriveIndependently) {
  const SecretBytes receiver = secp256k1::generate_private_key();
  const Bytes receiver_public = secp256k1::public_key(receiver, true).value();
  const Bytes ikm = test::unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const std::string expected_okm =
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const Bytes message(static_cast<std::size_t>(t * 10 + i), static_cast<std::uint8_t>(t));
        const auto ciphertext = ecies::encrypt(receiver_public, message);
        const auto plaintext = ecies::decrypt(receiver, ciphertext.value());
        if (!plaintext.ok() || test::to_bytes(plaintext->span()) != message) ++failures;
        // Interleave HKDF calls with and without salt/info on the same thread.
        const Bytes info(static_cast<std::size_t>(i % 3), 0xf0);
        (void)hkdf_sha256(ikm, info, info, 42);
        if (hex_encode(hkdf_sha256(ikm, {}, {}, 42).span()) != expected_okm) ++failures;
        const auto key = ed25519::key_pair_from_seed(Bytes(32, static_cast<std::uint8_t>(t)));
        if (!ed25519::verify(key->public_key, message, ed25519::sign(*key, message))) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace cbx
