#include "controllers/ledger/ledger_resume.h"

#include <algorithm>

#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "controllers/epoch/pre_rotation.h"
#include "controllers/folder_key.h"

namespace cbx::op {
namespace {

bool live_epoch(const std::vector<TeeEpoch>& epochs, std::uint64_t number) {
  const TeeEpoch* e = find_epoch(epochs, number);
  return e && epoch_usable(*e) && e->status.phase != phase::kFailed &&
         e->status.phase != phase::kRetired;
}

std::optional<EncryptedKeyRef> newer_ledger_key(const IpnsRepublish& obj, const KeyLedger& ledger,
                                                const std::vector<TeeEpoch>& epochs) {
  auto own = effective_key(obj);
  std::optional<EncryptedKeyRef> best;
  for (const auto& k : ledger.keys) {
    if (k.epoch <= own.epoch || !live_epoch(epochs, k.epoch)) continue;
    if (!best || k.epoch > best->epoch) best = EncryptedKeyRef{k.epoch, k.encrypted_key};
  }
  return best;
}

std::optional<PendingRecord> verified_pending(const IpnsRepublish& obj, const KeyLedger& ledger,
                                              SysTime now) {
  const auto& p = ledger.pending_record;
  if (!p || p->valid_until <= now) return std::nullopt;
  auto name = ipns::parse_name(obj.spec.ipns_name);
  auto bytes = base64_decode(p->record);
  if (!name || !bytes) return std::nullopt;
  auto record = ipns::verify_record_signature(*name, *bytes);
  if (!record || record->sequence != p->sequence) return std::nullopt;
  return PendingRecord{p->sequence, p->record, p->valid_until, SysTime{}, record->value};
}

}  // namespace

Resumption plan_resumption(const IpnsRepublish& obj, const KeyLedger& ledger,
                           const std::vector<TeeEpoch>& epochs, SysTime now) {
  Resumption out;
  if (ledger.ipns_name != obj.spec.ipns_name) return out;
  out.key = newer_ledger_key(obj, ledger, epochs);
  bool fresh = !obj.status.sequence && !obj.status.pending;
  if (!fresh) return out;
  out.pending = verified_pending(obj, ledger, now);
  std::uint64_t floor = ledger.sequence.value_or(0);
  if (out.pending) floor = std::max(floor, out.pending->sequence);
  if (floor > 0) out.sequence = floor;
  return out;
}

IpnsRepublishStatus apply_resumption(const IpnsRepublish& obj, const Resumption& r) {
  IpnsRepublishStatus status = obj.status;
  if (r.key) adopt_migrated_key(obj.spec, status, *r.key);
  if (r.sequence) status.sequence = std::max(status.sequence.value_or(0), *r.sequence);
  if (r.pending) status.pending = r.pending;
  return status;
}

}  // namespace cbx::op
