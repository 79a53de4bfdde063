#pragma once
// Records known to be validly signed by the key of a given name: verified once, or made here.
// "record R is signed by the key of name N" is a pure fact about (N, R), so remembering it is
// sound; it spares the Ed25519 verification of proofRecord in the steady state, where the proof
// is the record this signer produced one cycle earlier. Bounded: two generations of digests.
#include <array>
#include <cstdint>
#include <mutex>
#include <unordered_set>

#include "cbx/base/encoding.h"

namespace cbx::signer {

class VerifiedRecordCache {
 public:
  explicit VerifiedRecordCache(std::size_t capacity = 200'000) : half_(capacity / 2 + 1) {}

  bool contains(ByteView routing_key, ByteView record) const;
  void insert(ByteView routing_key, ByteView record);

 private:
  using Digest = std::array<std::uint8_t, 32>;
  struct DigestHash {
    std::size_t operator()(const Digest& d) const;
  };
  static Digest digest(ByteView routing_key, ByteView record);

  const std::size_t half_;
  mutable std::mutex mu_;
  std::unordered_set<Digest, DigestHash> current_, previous_;
};

}  // namespace cbx::signer
