#pragma once
// One entry of POST /v1/sign (DESIGN §1, §5): parse, check that the folder's key already signed
// the value (proofRecord) with a lower sequence, decrypt the sealed seed, check it is the key of
// ipnsName, sign the record (V1+V2), and re-encrypt keys from older epochs to the current one.
// Every key buffer is a SecretBytes, zeroed when it goes out of scope.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "cbx/ipns/validity.h"
#include "signer/epoch_key_cache.h"
#include "signer/request_json.h"
#include "signer/verified_record_cache.h"

namespace cbx::signer {

inline constexpr std::size_t kMaxIdSize = 256;
inline constexpr std::size_t kMaxCiphertextSize = 1024;  // a sealed 32-byte seed is 129 bytes

struct SignEntryRequest {
  std::string id;
  std::string ipns_name;
  Bytes encrypted_key;
  std::optional<std::uint64_t> key_epoch;  // absent: currentEpoch
  std::string value;
  Bytes proof_record;
  std::uint64_t sequence = 0;
  std::optional<std::string> validity;
  std::optional<std::uint64_t> lifetime_seconds;
  std::uint64_t ttl_seconds = 300;
};

struct Rewrapped {
  std::uint64_t epoch = 0;
  Bytes encrypted_key;
};

struct SignedEntry {
  Bytes record;
  std::uint64_t sequence = 0;
  std::string validity;
  std::optional<Rewrapped> rewrapped;
};

struct SignLimits {
  std::chrono::seconds max_lifetime{168 * 3600};
};

struct SignContext {
  EpochKeyCache& keys;
  VerifiedRecordCache& verified;
  const EpochKey& current;  // key of currentEpoch
  SignLimits limits;
  ipns::TimePoint now;
};

// BAD_REQUEST naming the offending field's path (`path` is the entry's, "entries[3]"). `id` is
// filled in as soon as it is known so that the error can be attributed.
Result<SignEntryRequest> parse_sign_entry(const json& entry, std::string path, std::string& id);

// Per-entry error codes: BAD_REQUEST, BAD_VALUE, VALUE_NOT_OWNER_SIGNED, SEQUENCE_NOT_NEWER,
// UNKNOWN_EPOCH, DECRYPT_FAILED, BAD_KEY, KEY_NAME_MISMATCH, SIGN_FAILED.
Result<SignedEntry> sign_entry(const SignEntryRequest& req, SignContext& ctx);

// Resolves the key an entry is sealed to: the current one, or an older derivable epoch.
Result<std::shared_ptr<const EpochKey>> key_for_epoch(EpochKeyCache& keys, const EpochKey& current,
                                                      std::optional<std::uint64_t> key_epoch);

}  // namespace cbx::signer
