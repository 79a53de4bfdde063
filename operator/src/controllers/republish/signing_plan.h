#pragma once
// What to sign for a due folder, from what is known about its records (DESIGN §1, §8):
// the TEE extends, only the owner redirects. The value signed is always the value of the newest
// record the folder's key signed (network, spec.ownerRecord, status.lastRecord, status.pending;
// by sequence), that record travels to the signer as proof, and the sequence is above every
// sequence anyone has seen, so a name is never rolled back. spec.cid moves the folder only when a
// record carrying it is that newest record.
#include <optional>
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::op {

struct SigningPlan {
  std::string value;  // exact value string of the proof record
  Bytes proof_record;
  std::string proof_source;    // "network" | "ownerRecord" | "lastRecord" | "pending"
  std::uint64_t sequence = 0;  // to reserve in status, then sign
  SysTime valid_until{};
  std::string validity;  // RFC 3339 with nanoseconds, as the record carries it
  Nanos ttl{};
  EncryptedKeyRef key;
  // Set when the folder does not end up on spec.cid: AwaitingOwnerRecord or NetworkAhead.
  std::optional<Reason> deviation_reason;
  std::string deviation_message;
};

// network_record: the record routing returned for the name, if any. Error NO_OWNER_RECORD when
// no record signed by the key is known at all (nothing can be signed), INVALID_SPEC for a bad
// name or CID in spec.
Result<SigningPlan> plan_signing(const IpnsRepublish& obj,
                                 const std::optional<Bytes>& network_record, SysTime now);

// "/ipfs/<cid>" values name the same content as `cid` (v0/v1 and any multibase compare equal).
bool value_points_to(const std::string& value, const std::string& cid);
// The CID text of an "/ipfs/<cid>" value, or the value itself for anything else.
std::string cid_of_value(const std::string& value);

}  // namespace cbx::op
