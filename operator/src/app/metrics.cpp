#include "app/metrics.h"

#include <mutex>

namespace cbx::op {
namespace {

const char* kPhases[] = {"Pending", "Active", "Superseded", "Retired", "Failed"};

prometheus::Labels epoch_label(std::uint64_t epoch) {
  return {{"epoch", std::to_string(epoch)}};
}

// Sets one series per epoch of `values` and removes the series of epochs no longer in it.
template <typename Value>
void replace_per_epoch(prometheus::Family<prometheus::Gauge>& family,
                       std::set<std::uint64_t>& shown,
                       const std::map<std::uint64_t, Value>& values) {
  for (auto epoch : shown) {
    if (!values.contains(epoch)) family.Remove(&family.Add(epoch_label(epoch)));
  }
  shown.clear();
  for (const auto& [epoch, value] : values) {
    family.Add(epoch_label(epoch)).Set(static_cast<double>(value));
    shown.insert(epoch);
  }
}

}  // namespace

OperatorMetrics::OperatorMetrics(prometheus::Registry& registry)
    : republish_total_(prometheus::BuildCounter()
                           .Name("cipherbox_republish_total")
                           .Help("Republish cycles by outcome (Published, PublishFailed, ...)")
                           .Register(registry)),
      republish_seconds_(prometheus::BuildHistogram()
                             .Name("cipherbox_republish_duration_seconds")
                             .Help("Time of one republish cycle (resolve, sign, publish)")
                             .Register(registry)),
      signer_requests_(prometheus::BuildCounter()
                           .Name("cipherbox_signer_requests_total")
                           .Help("Sign batches sent to signers, by result code")
                           .Register(registry)),
      routing_requests_(prometheus::BuildCounter()
                            .Name("cipherbox_routing_publish_total")
                            .Help("Record publications per routing endpoint, by result code")
                            .Register(registry)),
      batch_sizes_(prometheus::BuildHistogram()
                       .Name("cipherbox_sign_batch_size")
                       .Help("Entries per sign batch")
                       .Register(registry)
                       .Add({}, prometheus::Histogram::BucketBoundaries{1, 5, 10, 20, 30, 40, 50})),
      readback_checks_(prometheus::BuildCounter()
                           .Name("cipherbox_readback_checks_total")
                           .Help("Read-backs of published records per routing endpoint, by result "
                                 "(Verified, ReadBackMismatch, Unreachable)")
                           .Register(registry)),
      key_changed_(prometheus::BuildCounter()
                       .Name("cipherbox_signer_key_changed_total")
                       .Help("Signers that derived a different public key for an epoch")
                       .Register(registry)),
      attestation_rejected_(prometheus::BuildCounter()
                                .Name("cipherbox_epoch_attestation_rejected_total")
                                .Help("Attestation checks whose verdict was not accepted, by reason")
                                .Register(registry)),
      epoch_attested_(prometheus::BuildGauge()
                          .Name("cipherbox_epoch_attested")
                          .Help("1 when the epoch's Attested condition is True, else 0")
                          .Register(registry)),
      entries_(prometheus::BuildGauge()
                   .Name("cipherbox_epoch_entries")
                   .Help("IpnsRepublish objects whose key is on each epoch")
                   .Register(registry)),
      validity_deadline_(
          prometheus::BuildGauge()
              .Name("cipherbox_record_valid_until_earliest_seconds")
              .Help("Earliest validUntil (unix time) of the published records per epoch")
              .Register(registry)),
      folders_(prometheus::BuildGauge()
                   .Name("cipherbox_folders")
                   .Help("IpnsRepublish objects by state (due, pending, stalled)")
                   .Register(registry)),
      epoch_phase_(prometheus::BuildGauge()
                       .Name("cipherbox_epoch_phase")
                       .Help("1 for the phase each TeeEpoch is in")
                       .Register(registry)),
      served_validity_min_(prometheus::BuildGauge()
                               .Name("cipherbox_served_validity_min_seconds")
                               .Help("Least remaining validity (s) over all folders of the records "
                                     "routing endpoints were last verified to serve (read-back)")
                               .Register(registry)),
      served_validity_min_by_epoch_(prometheus::BuildGauge()
                                        .Name("cipherbox_served_validity_min_seconds_by_epoch")
                                        .Help("cipherbox_served_validity_min_seconds per key epoch")
                                        .Register(registry)),
      served_validity_min_by_namespace_(
          prometheus::BuildGauge()
              .Name("cipherbox_served_validity_min_seconds_by_namespace")
              .Help("cipherbox_served_validity_min_seconds per namespace (the 20 lowest; the rest "
                    "as namespace=\"_other\")")
              .Register(registry)),
      slo_folders_(prometheus::BuildGauge()
                       .Name("cipherbox_folders_validity")
                       .Help("Folders read back whose served record is valid for less than the "
                             "margin (state=below_margin) or not at all (state=not_resolvable)")
                       .Register(registry)),
      lead_time_(prometheus::BuildHistogram()
                     .Name("cipherbox_republish_lead_time_seconds")
                     .Help("Validity the previous record still had when the next was published")
                     .Register(registry)
                     .Add({}, prometheus::Histogram::BucketBoundaries{0, 3600, 6 * 3600, 12 * 3600,
                                                                      24 * 3600, 36 * 3600,
                                                                      42 * 3600, 48 * 3600})),
      collateral_next_update_(prometheus::BuildGauge()
                                  .Name("cipherbox_epoch_collateral_next_update_seconds")
                                  .Help("When the attestation collateral of each epoch is due for "
                                        "renewal (unix time, TeeEpoch status.attestation)")
                                  .Register(registry)) {}

void OperatorMetrics::republish_result(const std::string& outcome, double seconds) {
  republish_total_.Add({{"outcome", outcome}}).Increment();
  republish_seconds_
      .Add({},
           prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30})
      .Observe(seconds);
}

void OperatorMetrics::signer_request(const std::string& code) {
  signer_requests_.Add({{"code", code}}).Increment();
}

void OperatorMetrics::routing_result(const std::string& endpoint, const std::string& code) {
  routing_requests_.Add({{"endpoint", endpoint}, {"code", code}}).Increment();
}

void OperatorMetrics::batch_size(std::size_t size) {
  batch_sizes_.Observe(static_cast<double>(size));
}

void OperatorMetrics::readback_result(const std::string& endpoint, const std::string& result) {
  readback_checks_.Add({{"endpoint", endpoint}, {"result", result}}).Increment();
}

void OperatorMetrics::signer_key_changed(std::uint64_t epoch) {
  key_changed_.Add({{"epoch", std::to_string(epoch)}}).Increment();
}

void OperatorMetrics::attestation_rejected(std::uint64_t epoch, const std::string& reason) {
  attestation_rejected_.Add({{"epoch", std::to_string(epoch)}, {"reason", reason}}).Increment();
}

void OperatorMetrics::set_epoch_attested(std::uint64_t epoch, bool attested) {
  epoch_attested_.Add({{"epoch", std::to_string(epoch)}}).Set(attested ? 1 : 0);
}

void OperatorMetrics::set_folder_counts(const FolderCounts& counts) {
  {
    std::lock_guard lock(per_epoch_mutex_);
    replace_per_epoch(entries_, entries_shown_, counts.entries_per_epoch);
    replace_per_epoch(validity_deadline_, validity_shown_, counts.earliest_valid_until_per_epoch);
  }
  folders_.Add({{"state", "due"}}).Set(static_cast<double>(counts.due));
  folders_.Add({{"state", "pending"}}).Set(static_cast<double>(counts.pending));
  folders_.Add({{"state", "stalled"}}).Set(static_cast<double>(counts.stalled));
}

void OperatorMetrics::set_validity_slo(const ValiditySlo& slo) {
  std::lock_guard lock(per_epoch_mutex_);
  if (slo.min_remaining_seconds) {
    served_validity_min_.Add({}).Set(*slo.min_remaining_seconds);
    slo_min_shown_ = true;
  } else if (slo_min_shown_) {
    served_validity_min_.Remove(&served_validity_min_.Add({}));
    slo_min_shown_ = false;
  }
  replace_per_epoch(served_validity_min_by_epoch_, slo_epochs_shown_, slo.min_remaining_per_epoch);
  for (const auto& ns : slo_namespaces_shown_) {
    if (!slo.min_remaining_per_namespace.contains(ns)) {
      served_validity_min_by_namespace_.Remove(
          &served_validity_min_by_namespace_.Add({{"namespace", ns}}));
    }
  }
  slo_namespaces_shown_.clear();
  for (const auto& [ns, value] : slo.min_remaining_per_namespace) {
    served_validity_min_by_namespace_.Add({{"namespace", ns}}).Set(value);
    slo_namespaces_shown_.insert(ns);
  }
  slo_folders_.Add({{"state", "below_margin"}}).Set(static_cast<double>(slo.below_margin));
  slo_folders_.Add({{"state", "not_resolvable"}}).Set(static_cast<double>(slo.not_resolvable));
}

void OperatorMetrics::republish_lead_time(double seconds) {
  lead_time_.Observe(seconds);
}

void OperatorMetrics::set_collateral_next_update(const std::map<std::uint64_t, double>& per_epoch) {
  std::lock_guard lock(per_epoch_mutex_);
  replace_per_epoch(collateral_next_update_, collateral_shown_, per_epoch);
}

void OperatorMetrics::set_epoch_phase(std::uint64_t epoch, const std::string& current) {
  std::lock_guard lock(per_epoch_mutex_);
  for (const char* p : kPhases) {
    epoch_phase_.Add({{"epoch", std::to_string(epoch)}, {"phase", p}}).Set(current == p ? 1 : 0);
  }
  phase_shown_.insert(epoch);
}

void OperatorMetrics::retain_epoch_phases(const std::set<std::uint64_t>& epochs) {
  std::lock_guard lock(per_epoch_mutex_);
  std::erase_if(phase_shown_, [&](std::uint64_t epoch) {
    if (epochs.contains(epoch)) return false;
    for (const char* p : kPhases) {
      epoch_phase_.Remove(&epoch_phase_.Add({{"epoch", std::to_string(epoch)}, {"phase", p}}));
    }
    return true;
  });
}

}  // namespace cbx::op
