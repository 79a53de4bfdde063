#pragma once
// The operator's own Prometheus metrics (DESIGN §10), prefix cipherbox_. Work-queue depth, leader
// and API request counts come from the kube Manager on the same registry.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "app/validity_slo.h"
#include "controllers/epoch/ports.h"

namespace cbx::op {

class OperatorMetrics {
 public:
  explicit OperatorMetrics(prometheus::Registry& registry);

  void republish_result(const std::string& outcome, double seconds);
  void signer_request(const std::string& code);
  void routing_result(const std::string& endpoint, const std::string& code);
  void batch_size(std::size_t size);
  // One read-back of one endpoint (controllers/readback): Verified | ReadBackMismatch |
  // Unreachable.
  void readback_result(const std::string& endpoint, const std::string& result);
  void signer_key_changed(std::uint64_t epoch);
  // An epoch's attestation verdict was not accepted (reason: QuoteRejected,
  // TcbStatusNotAccepted, ...), and the Attested condition per epoch (1 true, 0 false).
  void attestation_rejected(std::uint64_t epoch, const std::string& reason);
  void set_epoch_attested(std::uint64_t epoch, bool attested);
  // Gauges recomputed from the caches (cert-manager's collector approach): nothing is lost on a
  // restart because everything comes from CR status.
  using FolderCounts = op::FolderCounts;  // the epoch reconciler's (controllers/epoch/ports.h)
  // Replaces the per-epoch gauges: an epoch absent from `counts` loses its series (no folder on
  // it anymore, or retired), so its last value does not freeze and alert falsely.
  void set_folder_counts(const FolderCounts& counts);
  // Replaces the SLO gauges (app/validity_slo.h); per-epoch and per-namespace series absent from
  // `slo` are removed (retired epochs, deleted folders).
  void set_validity_slo(const ValiditySlo& slo);
  void republish_lead_time(double seconds);
  // TeeEpoch status.attestation.collateralNextUpdate (unix s) of the epochs not Retired.
  void set_collateral_next_update(const std::map<std::uint64_t, double>& per_epoch);
  void set_epoch_phase(std::uint64_t epoch, const std::string& phase);
  // Drops the phase series of epochs that no longer exist.
  void retain_epoch_phases(const std::set<std::uint64_t>& epochs);

 private:
  prometheus::Family<prometheus::Counter>& republish_total_;
  prometheus::Family<prometheus::Histogram>& republish_seconds_;
  prometheus::Family<prometheus::Counter>& signer_requests_;
  prometheus::Family<prometheus::Counter>& routing_requests_;
  prometheus::Histogram& batch_sizes_;
  prometheus::Family<prometheus::Counter>& readback_checks_;
  prometheus::Family<prometheus::Counter>& key_changed_;
  prometheus::Family<prometheus::Counter>& attestation_rejected_;
  prometheus::Family<prometheus::Gauge>& epoch_attested_;
  prometheus::Family<prometheus::Gauge>& entries_;
  prometheus::Family<prometheus::Gauge>& validity_deadline_;
  prometheus::Family<prometheus::Gauge>& folders_;
  prometheus::Family<prometheus::Gauge>& epoch_phase_;
  prometheus::Family<prometheus::Gauge>& served_validity_min_;
  prometheus::Family<prometheus::Gauge>& served_validity_min_by_epoch_;
  prometheus::Family<prometheus::Gauge>& served_validity_min_by_namespace_;
  prometheus::Family<prometheus::Gauge>& slo_folders_;
  prometheus::Histogram& lead_time_;
  prometheus::Family<prometheus::Gauge>& collateral_next_update_;
  std::mutex per_epoch_mutex_;
  std::set<std::uint64_t> slo_epochs_shown_, collateral_shown_;
  std::set<std::string> slo_namespaces_shown_;
  bool slo_min_shown_ = false;
  std::set<std::uint64_t> entries_shown_, validity_shown_, phase_shown_;
};

}  // namespace cbx::op
