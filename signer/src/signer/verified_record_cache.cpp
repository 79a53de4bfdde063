#include "signer/verified_record_cache.h"

#include <cstring>

#include "cbx/crypto/hash.h"

namespace cbx::signer {

std::size_t VerifiedRecordCache::DigestHash::operator()(const Digest& d) const {
  std::size_t h;
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

VerifiedRecordCache::Digest VerifiedRecordCache::digest(ByteView routing_key, ByteView record) {
  // Length-prefixed so that (key, record) pairs cannot collide by shifting bytes between them.
  Bytes msg;
  msg.reserve(8 + routing_key.size() + record.size());
  varint_append(msg, routing_key.size());
  msg.insert(msg.end(), routing_key.begin(), routing_key.end());
  msg.insert(msg.end(), record.begin(), record.end());
  return sha256(msg);
}

bool VerifiedRecordCache::contains(ByteView routing_key, ByteView record) const {
  Digest d = digest(routing_key, record);
  std::lock_guard lock(mu_);
  return current_.contains(d) || previous_.contains(d);
}

void VerifiedRecordCache::insert(ByteView routing_key, ByteView record) {
  Digest d = digest(routing_key, record);
  std::lock_guard lock(mu_);
  if (current_.size() >= half_) {
    previous_ = std::move(current_);
    current_.clear();
  }
  current_.insert(d);
}

}  // namespace cbx::signer
