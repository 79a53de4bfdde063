#pragma once
// Builders for IpnsRepublish objects and real signed records (cert-manager's gen.* style).
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/encoding.h"
#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/validity.h"

namespace cbx::op::testing {

inline constexpr char kCidA[] = "bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu";
inline constexpr char kCidB[] = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
inline constexpr char kCidC[] = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";

struct FolderKey {
  ed25519::KeyPair key;
  ipns::Name name;
};

inline FolderKey folder_key(std::uint8_t fill) {
  Bytes seed(32, fill);
  auto key = ed25519::key_pair_from_seed(seed);
  auto name = ipns::name_from_ed25519(key->public_key);
  return FolderKey{std::move(*key), std::move(name)};
}

inline SysTime at(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

inline Bytes signed_record(const FolderKey& k, const std::string& value, std::uint64_t sequence,
                           SysTime validity = at("2200-01-01T00:00:00Z")) {
  ipns::RecordFields fields{value, ipns::format_validity(validity), sequence};
  return *ipns::make_record(k.key, fields);
}

inline IpnsRepublish folder(const FolderKey& k, const std::string& cid) {
  IpnsRepublish obj;
  obj.ns = "default";
  obj.name = "photos";
  obj.generation = 1;
  obj.spec.ipns_name = k.name.text();
  obj.spec.cid = cid;
  obj.spec.encrypted_key = "c2VhbGVk";
  obj.spec.key_epoch = 1;
  return obj;
}

}  // namespace cbx::op::testing
