#pragma once
// Derived epoch keys, cached in locked (mlock), zeroed-on-free memory. At most max_epochs keys are
// kept: asking for another evicts the least recently used one (derived again when asked for; a key
// still in use by a request is zeroed once that request drops it).
#include <algorithm>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

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
      : provider_(provider), max_epochs_(std::max<std::size_t>(1, max_epochs)) {}

  // Errors: UNKNOWN_EPOCH (epoch outside 1..kMaxEpoch), KEY_PROVIDER_FAILED (the provider could
  // not derive it: dstack unreachable, ...).
  Result<std::shared_ptr<const EpochKey>> get(std::uint64_t epoch);
  std::size_t size() const;
  std::uint64_t evictions() const;

 private:
  using Recency = std::list<std::uint64_t>;  // most recently used first
  struct Entry {
    std::shared_ptr<const EpochKey> key;
    Recency::iterator position;
  };

  std::shared_ptr<const EpochKey> find_locked(std::uint64_t epoch);
  // Returns the evicted key so that its last reference (and wipe) is dropped outside the lock.
  std::shared_ptr<const EpochKey> insert_locked(std::shared_ptr<const EpochKey>& entry);

  KeyProvider& provider_;
  const std::size_t max_epochs_;
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, Entry> keys_;
  Recency recency_;
  std::uint64_t evictions_ = 0;
};

}  // namespace cbx::signer
