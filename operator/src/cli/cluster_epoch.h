#pragma once
// Reads a TeeEpoch from the cluster by epoch number (for `seal --epoch` and
// `approve-epoch --from-cluster`): the public key the operator verified against the signer's quote.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "api/v1alpha1/tee_epoch.h"
#include "cbx/base/result.h"
#include "kube/client.h"

namespace cbx::cli {

struct ClusterOptions {
  std::string kubeconfig;
  std::string context;
};

// --kubeconfig and --context, as every command that talks to the cluster takes them.
void add_cluster_options(CLI::App* command, ClusterOptions& options);
Result<std::unique_ptr<kube::KubeClient>> connect(const ClusterOptions& options);

// Error codes: NOT_FOUND (no TeeEpoch with spec.epoch == epoch), EPOCH_NOT_READY (no verified
// public key yet, or Failed / Retired), and the Kubernetes client's codes.
Result<op::TeeEpoch> read_ready_epoch(const ClusterOptions& options, std::uint64_t epoch);

}  // namespace cbx::cli
