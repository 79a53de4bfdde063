#include "signer/epoch_key_cache.h"

#include <sys/mman.h>

#include "cbx/crypto/secp256k1.h"

namespace cbx::signer {

EpochKey::EpochKey(std::uint64_t e, SecretBytes key, Bytes pub)
    : epoch(e), private_key(std::move(key)), public_key(std::move(pub)) {
  // Best effort: keep the key out of swap. Failure (RLIMIT_MEMLOCK) is not fatal.
  locked = ::mlock(private_key.data(), private_key.size()) == 0;
}

EpochKey::~EpochKey() {
  void* data = private_key.data();
  std::size_t size = private_key.size();
  private_key.wipe();
  if (locked) ::munlock(data, size);
}

Result<std::shared_ptr<const EpochKey>> EpochKeyCache::get(std::uint64_t epoch) {
  if (epoch == 0 || epoch > kMaxEpoch) {
    return make_error("UNKNOWN_EPOCH", "epoch must be between 1 and 4294967295");
  }
  {
    std::lock_guard lock(mu_);
    if (auto hit = find_locked(epoch)) return hit;
  }
  // Derive outside the lock: a dstack round trip must not stall every other request.
  auto key = provider_.derive_epoch_key(epoch);
  if (!key)
    return make_error("KEY_PROVIDER_FAILED", "cannot derive the epoch key: " + key.error().message);
  auto pub = secp256k1::public_key(*key, /*compressed=*/false);
  if (!pub)
    return make_error("KEY_PROVIDER_FAILED", "derived epoch key is not a valid secp256k1 key");
  auto entry = std::make_shared<const EpochKey>(epoch, std::move(*key), std::move(*pub));
  std::shared_ptr<const EpochKey> evicted;
  {
    std::lock_guard lock(mu_);
    evicted = insert_locked(entry);
  }
  return entry;
}

std::shared_ptr<const EpochKey> EpochKeyCache::find_locked(std::uint64_t epoch) {
  auto it = keys_.find(epoch);
  if (it == keys_.end()) return nullptr;
  recency_.splice(recency_.begin(), recency_, it->second.position);
  return it->second.key;
}

std::shared_ptr<const EpochKey> EpochKeyCache::insert_locked(
    std::shared_ptr<const EpochKey>& entry) {
  // Another request derived the same epoch meanwhile: keep one copy.
  if (auto existing = find_locked(entry->epoch)) {
    std::swap(entry, existing);
    return existing;
  }
  std::shared_ptr<const EpochKey> evicted;
  if (keys_.size() >= max_epochs_) {
    auto oldest = keys_.find(recency_.back());
    evicted = std::move(oldest->second.key);
    keys_.erase(oldest);
    recency_.pop_back();
    ++evictions_;
  }
  recency_.push_front(entry->epoch);
  keys_.emplace(entry->epoch, Entry{entry, recency_.begin()});
  return evicted;
}

std::size_t EpochKeyCache::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

std::uint64_t EpochKeyCache::evictions() const {
  std::lock_guard lock(mu_);
  return evictions_;
}

}  // namespace cbx::signer
