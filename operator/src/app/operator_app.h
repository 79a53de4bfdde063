#pragma once
// `cipherbox-republish run`: the operator process. Informers on IpnsRepublish (all namespaces)
// and TeeEpoch, the republish and epoch controllers, the sign batcher, the routing publisher,
// leader election and the probe/metrics server, until SIGTERM.
#include <chrono>
#include <string>
#include <vector>

#include "controllers/readback/readback_schedule.h"
#include "controllers/republish/sign_batcher.h"
#include "kube/shard.h"

namespace cbx::op {

struct OperatorOptions {
  std::string kubeconfig;  // empty: $KUBECONFIG, ~/.kube/config, then in-cluster
  std::string context;
  std::string namespace_name;  // the operator's own (Lease, Secrets); empty: from the config
  std::vector<std::string> routing_urls;
  std::string probe_address = "0.0.0.0:8080";
  bool leader_elect = true;
  // This process's shard (DESIGN §11): it reconciles only the folders that hash to it, and
  // shard 0 also runs the cluster-wide work (epoch controller, validity SLO gauges).
  kube::ShardSpec shard;
  // Lease timing as client-go's leaderelection (renew_deadline < lease_duration).
  std::chrono::nanoseconds lease_duration = std::chrono::seconds(15);
  std::chrono::nanoseconds renew_deadline = std::chrono::seconds(10);
  std::chrono::nanoseconds retry_period = std::chrono::seconds(2);
  // The republish pipeline (controllers/republish/republish_reconciler.h): `workers` threads
  // start cycles (routing lookup, reservation) and never wait for the signer; at most
  // `pipeline_depth` folders are between their reservation and their outcome; `publish_workers`
  // threads publish signed records and write the outcomes.
  int workers = 64;
  int pipeline_depth = 1000;
  int publish_workers = 32;
  BatcherOptions batch;
  // No client-side limit by default: a fixed QPS made the operator, not the API server, the bound
  // when every folder is due at once (10 000 folders: ~200 requests/s, all at the limit). The API
  // server's Priority and Fairness protects it and answers 429, which the client honours.
  double qps = 0;
  int burst = 0;
  int key_recheck_seconds = 300;
  double epoch_resync_seconds = 15;  // epoch controller period
  double rewrap_rate = 20;           // pre-rotation keys per second
  std::string attestation_verifier;  // second-opinion quote verifier URL (empty: none)
  std::string pccs_url;              // collateral for the in-process quote verification
  int collateral_max_age_seconds = 3600;
  std::string insecure_test_root_ca;  // TESTS ONLY: PEM root replacing Intel's (status says "test")
  double backoff_base_seconds = 5;
  double backoff_max_seconds = 300;
  ReadBackOptions read_back;  // proof of publication (controllers/readback)
  double readback_rate = 20;  // routing lookups (and re-PUTs) per second for read-backs
  std::chrono::nanoseconds validity_slo_period = std::chrono::seconds(30);  // SLO gauges' recompute
  // KeyLedger objects (controllers/ledger) stay this long after their name's last folder went.
  std::chrono::nanoseconds ledger_retention = std::chrono::hours(24 * 30);
};

// Returns the process exit code (0 after a graceful stop, 1 on a start-up error, 3 after losing
// leadership).
int run_operator(const OperatorOptions& options);

}  // namespace cbx::op
