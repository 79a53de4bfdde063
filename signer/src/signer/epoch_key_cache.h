#pragma once
// Derived epoch keys, cached for the process lifetime in locked (mlock), zeroed-on-free memory.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "signer/key_provider.h"

namespace cbx::signer {

inline constexpr std::uint64_t kMaxEpoch = 0xffffffffULL;

struct EpochKey {
  EpochKey(std::uint64_t e, SecretBytes key, Bytes pub);
  ~EpochKey();
  EpochKey(const EpochKey&) = delete;
  EpochKey& operator=(const EpochKey&) = delete;

  std::uint64_t epoch;
  SecretBytes private_key;  // 32-byte secp256k1 scalar
  Bytes public_key;         // 65-byte uncompressed SEC1
  bool locked = false;
};

class EpochKeyCache {
 public:
  explicit EpochKeyCache(KeyProvider& provider, std::size_t max_epochs = 64)
      : provider_(provider), max_epochs_(max_epochs) {}

  // Errors: UNKNOWN_EPOCH (epoch outside 1..kMaxEpoch, or too many distinct epochs cached),
  // KEY_PROVIDER_FAILED (the provider could not derive it: dstack unreachable, ...).
  Result<std::shared_ptr<const EpochKey>> get(std::uint64_t epoch);
  std::size_t size() const;

 private:
  KeyProvider& provider_;
  const std::size_t max_epochs_;
  mutable std::mutex mu_;
  std::map<std::uint64_t, std::shared_ptr<const EpochKey>> keys_;
};

}  // namespace cbx::signer
