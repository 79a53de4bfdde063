#include "controllers/epoch/decommission.h"

#include "api/v1alpha1/ipns_republish.h"
#include "controllers/epoch/pre_rotation.h"

namespace cbx::op {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string text(const json& object, const char* name) {
  const json* v = member(object, name);
  return v && v->is_string() ? v->get<std::string>() : std::string{};
}

bool strictly_parsed(const json& object) {
  try {
    return static_cast<bool>(parse_ipns_republish(object));
  } catch (const std::exception&) {  // e.g. metadata.generation of the wrong type
    return false;
  }
}

// false: the field is there but cannot be read (the caller then knows nothing).
bool read_epoch(const json& object, const char* name, std::optional<std::uint64_t>& out) {
  const json* v = member(object, name);
  if (!v) return true;
  auto epoch = sequence_from_json(*v);
  if (!epoch || *epoch == 0) return false;
  out = *epoch;
  return true;
}

void read_spec(const json& spec, FolderKeyCopies& out) {
  if (!spec.is_object()) {
    out.readable = false;
    return;
  }
  out.ipns_name = text(spec, "ipnsName");
  const json* key = member(spec, "encryptedKey");
  if (!key) return;  // no ciphertext in spec: nothing to open there
  if (!key->is_string() || key->get_ref<const std::string&>().empty()) {
    out.readable = false;
    return;
  }
  if (!member(spec, "keyEpoch")) {
    out.spec_epoch = 1;  // the CRD's default
    return;
  }
  if (!read_epoch(spec, "keyEpoch", out.spec_epoch)) out.readable = false;
}

void read_status(const json& status, FolderKeyCopies& out) {
  if (!status.is_object()) return;  // the operator's own field; absent or reset
  if (const json* m = member(status, "migratedKey")) {
    if (!m->is_object() || text(*m, "encryptedKey").empty() ||
        !read_epoch(*m, "epoch", out.migrated_epoch) || !out.migrated_epoch) {
      out.readable = false;
    }
  }
  if (member(status, "pending")) {
    if (!read_epoch(status, "keyEpoch", out.pending_epoch) || !out.pending_epoch) {
      out.readable = false;
    }
  }
}

bool any_live(const std::set<std::uint64_t>& epochs, const std::set<std::uint64_t>& live) {
  for (auto e : epochs) {
    if (live.contains(e)) return true;
  }
  return false;
}

void bump(std::map<std::uint64_t, std::int64_t>& counts, std::uint64_t epoch, std::int64_t by) {
  auto& n = counts[epoch];
  n += by;
  if (n == 0) counts.erase(epoch);
}

}  // namespace

void add_needs(const NameCopies& copies, const std::set<std::uint64_t>& live, EpochNeeds& needs,
               std::int64_t names) {
  std::set<std::uint64_t> needed;
  for (auto e : copies.pending) {
    if (!live.contains(e)) needed.insert(e);
  }
  bool covered = any_live(copies.durable, live);
  if (!covered && copies.unreadable) needs.unknown += names;
  if (!covered) {
    for (auto e : copies.all) {
      if (!live.contains(e)) needed.insert(e);  // a live epoch is kept anyway
    }
  }
  for (auto e : needed) needs.needed[e] += names;
}

void add_folder_copies(const FolderKeyCopies& f, NameCopies& copies) {
  if (!f.readable) copies.unreadable = true;
  if (f.spec_epoch) {
    copies.all.insert(*f.spec_epoch);
    copies.durable.insert(*f.spec_epoch);
  }
  if (f.migrated_epoch) copies.all.insert(*f.migrated_epoch);
  if (f.pending_epoch) copies.pending.insert(*f.pending_epoch);
}

void add_ledger_copies(const LedgerKeyCopies& l, NameCopies& copies) {
  if (!l.readable) copies.unreadable = true;
  copies.all.insert(l.epochs.begin(), l.epochs.end());
  copies.durable.insert(l.epochs.begin(), l.epochs.end());
}

void count_folder(const FolderKeyCopies& f, EpochNeeds& needs, std::int64_t sign) {
  if (!f.parsed) needs.unparsed += sign;
  if (f.spec_epoch) bump(needs.spec_entries, *f.spec_epoch, sign);
  if (f.migrated_epoch && (!f.spec_epoch || *f.migrated_epoch > *f.spec_epoch)) {
    bump(needs.effective, *f.migrated_epoch, sign);  // as effective_key() chooses
  } else if (f.spec_epoch) {
    bump(needs.effective, *f.spec_epoch, sign);
  }
}

FolderKeyCopies folder_key_copies(const json& object) {
  return folder_key_copies(object, strictly_parsed(object));
}

FolderKeyCopies folder_key_copies(const json& object, bool parsed) {
  FolderKeyCopies out;
  out.parsed = parsed;
  if (!object.is_object()) {
    out.readable = false;
    return out;
  }
  if (const json* meta = member(object, "metadata")) {
    out.key = text(*meta, "namespace") + "/" + text(*meta, "name");
  }
  const json* spec = member(object, "spec");
  if (!spec) {
    out.readable = false;
  } else {
    read_spec(*spec, out);
  }
  if (const json* status = member(object, "status")) read_status(*status, out);
  return out;
}

std::int64_t EpochNeeds::needed_on(std::uint64_t epoch) const {
  auto it = needed.find(epoch);
  return it == needed.end() ? 0 : it->second;
}

std::int64_t EpochNeeds::spec_on(std::uint64_t epoch) const {
  auto it = spec_entries.find(epoch);
  return it == spec_entries.end() ? 0 : it->second;
}

std::int64_t EpochNeeds::effective_on(std::uint64_t epoch) const {
  auto it = effective.find(epoch);
  return it == effective.end() ? 0 : it->second;
}

EpochNeeds compute_needs(const std::vector<FolderKeyCopies>& folders,
                         const std::vector<LedgerKeyCopies>& ledger,
                         const std::set<std::uint64_t>& live) {
  EpochNeeds needs;
  std::map<std::string, NameCopies> by_name;
  std::vector<NameCopies> unnamed;  // no readable ipnsName: matched with nothing
  for (const auto& f : folders) {
    count_folder(f, needs);
    add_folder_copies(f, f.ipns_name.empty() ? unnamed.emplace_back() : by_name[f.ipns_name]);
  }
  for (const auto& l : ledger) {
    add_ledger_copies(l, l.ipns_name.empty() ? unnamed.emplace_back() : by_name[l.ipns_name]);
  }
  for (const auto& [name, copies] : by_name) add_needs(copies, live, needs);
  for (const auto& copies : unnamed) add_needs(copies, live, needs);
  return needs;
}

std::set<std::uint64_t> live_epochs(const std::vector<TeeEpoch>& epochs,
                                    const std::vector<TeeEpochStatus>& statuses) {
  std::set<std::uint64_t> live;
  for (std::size_t i = 0; i < epochs.size() && i < statuses.size(); ++i) {
    const auto& phase = statuses[i].phase;
    bool ready = condition_is_true(statuses[i].conditions, "Ready");
    if (phase == phase::kActive || (phase == phase::kPending && ready)) {
      live.insert(epochs[i].spec.epoch);
    }
  }
  return live;
}

bool retirable(std::uint64_t epoch, std::int64_t effective_entries, const EpochNeeds& needs) {
  return effective_entries == 0 && needs.effective_on(epoch) == 0 && needs.unknown == 0 &&
         needs.needed_on(epoch) == 0;
}

void apply_needs(const std::vector<TeeEpoch>& epochs, std::vector<TeeEpochStatus>& statuses,
                 const EpochNeeds& needs) {
  for (std::size_t i = 0; i < epochs.size() && i < statuses.size(); ++i) {
    auto n = epochs[i].spec.epoch;
    auto& st = statuses[i];
    st.spec_entries = needs.spec_on(n);
    st.keys_needed = needs.needed_on(n);
    bool newly_retired = st.phase == phase::kRetired && epochs[i].status.phase != phase::kRetired;
    if (newly_retired && !retirable(n, st.entries, needs)) st.phase = phase::kSuperseded;
  }
  for (std::size_t i = 0; i < epochs.size() && i < statuses.size(); ++i) {
    auto& st = statuses[i];
    if (!st.safe_to_decommission) continue;
    bool keys_held = needs.unknown == 0;
    if (st.phase == phase::kFailed) {
      keys_held = keys_held && st.keys_needed == 0;
    } else {
      const auto& url = signer_url_of(epochs[i]);
      for (std::size_t j = 0; j < epochs.size() && j < statuses.size(); ++j) {
        if (signer_url_of(epochs[j]) != url || statuses[j].phase == phase::kFailed) continue;
        if (statuses[j].keys_needed > 0) keys_held = false;
      }
    }
    st.safe_to_decommission = keys_held;
  }
}

}  // namespace cbx::op
