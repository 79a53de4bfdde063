#include "controllers/republish/signing_plan.h"

#include <algorithm>
#include <vector>

#include "cbx/ipns/cid.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/validity.h"

namespace cbx::op {
namespace {

struct Candidate {
  std::string source;
  Bytes bytes;
  ipns::Record record;
};

// Only records the folder's key really signed count; expiry does not matter for a proof.
std::vector<Candidate> verified_candidates(const IpnsRepublish& obj, const ipns::Name& name,
                                           const std::optional<Bytes>& network_record) {
  std::vector<Candidate> out;
  auto consider = [&](const char* source, const Bytes& bytes) {
    auto record = ipns::verify_record_signature(name, bytes);
    if (record) out.push_back(Candidate{source, bytes, std::move(*record)});
  };
  auto consider_base64 = [&](const char* source, const std::string& text) {
    if (text.empty()) return;
    if (auto bytes = base64_decode(text)) consider(source, *bytes);
  };
  if (network_record) consider("network", *network_record);
  if (obj.spec.owner_record) consider("ownerRecord", *obj.spec.owner_record);
  consider_base64("lastRecord", obj.status.last_record);
  if (obj.status.pending) consider_base64("pending", obj.status.pending->record);
  return out;
}

// The newest record by sequence; on a tie, one carrying spec.cid (the owner's stated choice
// among values it signed at that sequence), then the first found.
const Candidate* newest(const std::vector<Candidate>& candidates, const std::string& cid) {
  const Candidate* best = nullptr;
  for (const auto& c : candidates) {
    if (!best || c.record.sequence > best->record.sequence ||
        (c.record.sequence == best->record.sequence && value_points_to(c.record.value, cid) &&
         !value_points_to(best->record.value, cid))) {
      best = &c;
    }
  }
  return best;
}

const Candidate* newest_carrying(const std::vector<Candidate>& candidates, const std::string& cid) {
  const Candidate* best = nullptr;
  for (const auto& c : candidates) {
    if (value_points_to(c.record.value, cid) &&
        (!best || c.record.sequence > best->record.sequence)) {
      best = &c;
    }
  }
  return best;
}

std::string describe(const Candidate& c) {
  return c.record.value + " (sequence " + std::to_string(c.record.sequence) + ", " + c.source + ")";
}

// The proof is always the newest record the folder's key signed: whatever value that is, the
// owner chose it last, so extending it never rolls the folder back (invariant 2) — also when
// status is empty (a re-created object) and in every cycle after the owner moved the folder.
// spec.cid moves the folder only when a record carrying it is that newest record; otherwise the
// deviation says why spec.cid is not served.
const Candidate* choose_proof(const IpnsRepublish& obj, const std::vector<Candidate>& candidates,
                              SigningPlan& plan) {
  const Candidate* top = newest(candidates, obj.spec.cid);
  if (!top || value_points_to(top->record.value, obj.spec.cid)) return top;
  if (const auto* carrying = newest_carrying(candidates, obj.spec.cid)) {
    plan.deviation_reason = Reason::kNetworkAhead;
    plan.deviation_message = "the folder key signed a newer value, " + describe(*top) +
                             ", than spec.cid's record " + describe(*carrying) +
                             "; spec.cid is older and is not signed (to serve it again, the owner "
                             "signs a record for it with a sequence above " +
                             std::to_string(top->record.sequence) + ")";
    return top;
  }
  plan.deviation_reason = Reason::kAwaitingOwnerRecord;
  plan.deviation_message = "no record signed by the folder key carries cid " + obj.spec.cid +
                           "; keeping " + top->record.value +
                           " alive until the owner publishes one";
  return top;
}

std::uint64_t next_sequence(const IpnsRepublish& obj, const std::vector<Candidate>& candidates) {
  std::uint64_t highest = std::max(obj.status.sequence.value_or(0), obj.spec.sequence.value_or(0));
  for (const auto& c : candidates) highest = std::max(highest, c.record.sequence);
  return highest + 1;
}

}  // namespace

bool value_points_to(const std::string& value, const std::string& cid_text) {
  constexpr std::string_view prefix = "/ipfs/";
  if (!value.starts_with(prefix)) return false;
  auto in_value = ipns::parse_cid(std::string_view(value).substr(prefix.size()));
  auto wanted = ipns::parse_cid(cid_text);
  if (!in_value || !wanted) return false;
  return in_value->to_v1() == wanted->to_v1();
}

std::string cid_of_value(const std::string& value) {
  constexpr std::string_view prefix = "/ipfs/";
  return value.starts_with(prefix) ? value.substr(prefix.size()) : value;
}

Result<SigningPlan> plan_signing(const IpnsRepublish& obj,
                                 const std::optional<Bytes>& network_record, SysTime now) {
  auto name = ipns::parse_name(obj.spec.ipns_name);
  if (!name) return make_error("INVALID_SPEC", "spec.ipnsName: " + name.error().message);
  if (!ipns::parse_cid(obj.spec.cid)) return make_error("INVALID_SPEC", "spec.cid: not a CID");
  auto candidates = verified_candidates(obj, *name, network_record);
  SigningPlan plan;
  const Candidate* proof = choose_proof(obj, candidates, plan);
  if (!proof) {
    return make_error("NO_OWNER_RECORD",
                      "no record signed by the folder key is known (network, spec.ownerRecord or "
                      "status); the owner's client must publish one first");
  }
  if (next_sequence(obj, candidates) == 0) {
    return make_error("SEQUENCE_EXHAUSTED", "sequence 2^64-1 reached; the owner must re-key");
  }
  plan.value = proof->record.value;
  plan.proof_record = proof->bytes;
  plan.proof_source = proof->source;
  plan.sequence = next_sequence(obj, candidates);
  plan.valid_until = std::chrono::floor<std::chrono::seconds>(now + obj.spec.lifetime);
  plan.validity = ipns::format_validity(plan.valid_until);
  plan.ttl = obj.spec.ttl;
  plan.key = effective_key(obj);
  return plan;
}

}  // namespace cbx::op
