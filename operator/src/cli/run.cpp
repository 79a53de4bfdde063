#include "cli/run.h"

#include <memory>

#include "app/operator_app.h"
#include "cbx/base/duration.h"
#include "cbx/base/log.h"
#include "kube/shard.h"

namespace cbx::cli {
namespace {

struct RunFlags {
  op::OperatorOptions options;
  std::string linger = "50ms";
  std::string log_level = "info";
  std::string backoff_base = "5s";
  std::string backoff_max = "5m";
  std::string key_recheck = "5m";
  std::string epoch_resync = "15s";
  std::string lease_duration = "15s";
  std::string renew_deadline = "10s";
  std::string retry_period = "2s";
  std::string readback_delay = "10s";
  std::string readback_margin = "24h";
  std::string readback_retry_base = "30s";
  std::string readback_retry_max = "30m";
  std::string readback_recheck = "0s";
  std::string validity_slo_period = "30s";
  std::string collateral_max_age = "1h";
  std::string shard = "0/1";
  std::string ledger_retention = "720h";
};

std::optional<double> seconds_of(const std::string& text) {
  auto d = parse_duration(text);
  if (!d) return std::nullopt;
  return std::chrono::duration<double>(*d).count();
}

// Lease timing: the Lease stores whole seconds, and a leader must give up (renew deadline)
// before a follower may take over (lease duration), or two would lead at once.
std::optional<std::string> apply_lease_timing(const RunFlags& flags, op::OperatorOptions& options) {
  auto lease = parse_duration(flags.lease_duration);
  auto renew = parse_duration(flags.renew_deadline);
  auto retry = parse_duration(flags.retry_period);
  if (!lease || !renew || !retry) {
    return "--leader-elect-lease-duration, --leader-elect-renew-deadline and "
           "--leader-elect-retry-period take durations such as 15s";
  }
  if (*lease < std::chrono::seconds(1) || *lease % std::chrono::seconds(1) != Nanos::zero()) {
    return "--leader-elect-lease-duration must be whole seconds, at least 1s";
  }
  if (*retry <= Nanos::zero() || *retry >= *renew || *renew >= *lease) {
    return "leader election needs 0 < retry period < renew deadline < lease duration";
  }
  options.lease_duration = *lease;
  options.renew_deadline = *renew;
  options.retry_period = *retry;
  return std::nullopt;
}

std::optional<std::string> apply_read_back(const RunFlags& flags, op::OperatorOptions& options) {
  auto delay = parse_duration(flags.readback_delay);
  auto margin = parse_duration(flags.readback_margin);
  auto base = parse_duration(flags.readback_retry_base);
  auto max = parse_duration(flags.readback_retry_max);
  auto recheck = parse_duration(flags.readback_recheck);
  if (!delay || !margin || !base || !max || !recheck || *delay < Nanos::zero() ||
      *margin < Nanos::zero() || *recheck < Nanos::zero()) {
    return "--readback-delay, --readback-margin, --readback-retry-base, --readback-retry-max and "
           "--readback-recheck take durations such as 10s or 24h";
  }
  if (*base <= Nanos::zero() || *max < *base) {
    return "--readback-retry-base must be above 0 and at most --readback-retry-max";
  }
  if (options.readback_rate <= 0) return "--readback-rate must be above 0";
  auto slo_period = parse_duration(flags.validity_slo_period);
  if (!slo_period || *slo_period < std::chrono::seconds(1)) {
    return "--validity-slo-period takes a duration of at least 1s";
  }
  options.validity_slo_period = *slo_period;
  options.read_back = op::ReadBackOptions{*delay, *margin, *base, *max, *recheck};
  return std::nullopt;
}

std::optional<std::string> apply_shard(const RunFlags& flags, op::OperatorOptions& options) {
  auto shard = kube::parse_shard(flags.shard);
  if (!shard) return shard.error().message;
  if (shard->count > 1 && !options.leader_elect) {
    return "--shard with more than one shard needs --leader-elect=true (the shard Leases keep "
           "each folder's owner exclusive)";
  }
  options.shard = *shard;
  return std::nullopt;
}

int run(RunFlags& flags, const Io& io) {
  if (auto shard_error = apply_shard(flags, flags.options)) return usage_error(io, *shard_error);
  auto linger = parse_duration(flags.linger);
  auto base = seconds_of(flags.backoff_base);
  auto max = seconds_of(flags.backoff_max);
  auto recheck = seconds_of(flags.key_recheck);
  auto resync = seconds_of(flags.epoch_resync);
  if (!resync || *resync <= 0)
    return usage_error(io, "--epoch-resync takes a positive duration such as 15s");
  if (flags.options.rewrap_rate <= 0) return usage_error(io, "--rewrap-rate must be above 0");
  flags.options.epoch_resync_seconds = *resync;
  auto max_age = seconds_of(flags.collateral_max_age);
  if (!max_age || *max_age < 1 || *max_age > 30 * 86400) {
    return usage_error(io, "--collateral-max-age takes a duration from 1s to 720h");
  }
  flags.options.collateral_max_age_seconds = static_cast<int>(*max_age);
  auto retention = parse_duration(flags.ledger_retention);
  if (!retention || *retention < std::chrono::seconds(1))
    return usage_error(io, "--ledger-retention takes a duration of at least 1s, such as 720h");
  flags.options.ledger_retention = *retention;
  if (auto lease_error = apply_lease_timing(flags, flags.options)) {
    return usage_error(io, *lease_error);
  }
  if (auto read_back_error = apply_read_back(flags, flags.options)) {
    return usage_error(io, *read_back_error);
  }
  if (!linger || !base || !max || !recheck) {
    return usage_error(io,
                       "--batch-linger, --backoff-base, --backoff-max and --key-recheck take "
                       "durations such as 50ms or 5m");
  }
  if (flags.options.batch.max_batch == 0 || flags.options.batch.max_batch > 50) {
    return usage_error(io, "--batch-size must be between 1 and 50");
  }
  flags.options.batch.linger = std::chrono::duration_cast<std::chrono::milliseconds>(*linger);
  flags.options.backoff_base_seconds = *base;
  flags.options.backoff_max_seconds = *max;
  flags.options.key_recheck_seconds = static_cast<int>(*recheck);
  log::set_level(log::level_from_string(flags.log_level));
  return op::run_operator(flags.options);
}

}  // namespace

void register_run(Cli& cli) {
  auto flags = std::make_shared<RunFlags>();
  auto& o = flags->options;
  CLI::App* command = cli.add_command(
      cli.app(), "run", "Run the operator (controllers for IpnsRepublish and TeeEpoch)",
      [flags](const Io& io) { return run(*flags, io); });
  command->add_option("--kubeconfig", o.kubeconfig,
                      "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)");
  command->add_option("--context", o.context, "kubeconfig context");
  command->add_option("--namespace", o.namespace_name,
                      "the operator's namespace (Lease, signer token Secrets)");
  command->add_option("--routing", o.routing_urls, "Delegated Routing V1 base URL (repeatable)")
      ->required();
  command->add_option("--probe-address", o.probe_address,
                      "HOST:PORT of /healthz /readyz /metrics (empty: off)");
  command->add_option("--leader-elect", o.leader_elect,
                      "elect a leader on the Lease cipherbox-republish");
  command->add_option("--leader-elect-lease-duration", flags->lease_duration,
                      "how long a Lease holds without renewal before a follower takes over");
  command->add_option("--leader-elect-renew-deadline", flags->renew_deadline,
                      "how long the leader retries renewing before it gives up leading");
  command->add_option("--leader-elect-retry-period", flags->retry_period,
                      "how often the Lease is renewed or tried");
  command->add_option("--shard", flags->shard,
                      "i/n: reconcile only the folders whose namespace/name hashes to shard i of "
                      "n, on the Lease of that shard (default 0/1: all folders)");
  command->add_option("--ledger-retention", flags->ledger_retention,
                      "how long a KeyLedger outlives the last IpnsRepublish carrying its name "
                      "(default 720h = 30 days)");
  command
      ->add_option("--workers", o.workers,
                   "republish workers: they start cycles (lookup, reservation), none waits for "
                   "the signer")
      ->check(CLI::Range(1, 1024));
  command
      ->add_option("--pipeline-depth", o.pipeline_depth,
                   "folders between their reservation and their outcome at once")
      ->check(CLI::Range(1, 100000));
  command
      ->add_option("--publish-workers", o.publish_workers,
                   "threads publishing signed records and writing their outcomes")
      ->check(CLI::Range(1, 1024));
  command->add_option("--batch-size", o.batch.max_batch, "entries per sign request (<= 50)");
  command->add_option("--batch-linger", flags->linger, "how long a batch waits for more entries");
  command->add_option("--max-in-flight", o.batch.max_in_flight,
                      "sign requests on the wire at once");
  command->add_option(
      "--qps", o.qps,
      "client-side limit on Kubernetes API requests per second (0, the default: none; the API "
      "server's Priority and Fairness limits, its 429s are retried after Retry-After)");
  command->add_option("--burst", o.burst, "burst of the client-side limit (with --qps above 0)");
  command->add_option("--backoff-base", flags->backoff_base, "first retry delay after a failure");
  command->add_option("--backoff-max", flags->backoff_max, "longest retry delay");
  command->add_option("--key-recheck", flags->key_recheck,
                      "how often epoch keys are asked for again");
  command->add_option("--epoch-resync", flags->epoch_resync,
                      "how often the epoch controller re-evaluates all epochs");
  command->add_option("--rewrap-rate", o.rewrap_rate,
                      "pre-rotation: keys per second re-encrypted on an old signer");
  command->add_option("--pccs-url", o.pccs_url,
                      "PCCS base URL for quote verification collateral (default: Phala's PCCS)");
  command->add_option("--collateral-max-age", flags->collateral_max_age,
                      "refetch collateral at least this often (a TCB recovery shows up then)");
  command->add_option("--insecure-test-root-ca", o.insecure_test_root_ca,
                      "TESTS ONLY: verify quotes against this PEM root instead of Intel's "
                      "(TeeEpoch status shows trustAnchor \"test\")");
  command->add_option("--attestation-verifier", o.attestation_verifier,
                      "optional second opinion: URL of an external TDX quote verifier "
                      "(POST {quote: hex} -> {verified})");
  command->add_option("--readback-delay", flags->readback_delay,
                      "read a publication back from each endpoint this long after it");
  command->add_option(
      "--readback-margin", flags->readback_margin,
      "Resolvable needs an endpoint serving a record valid at least this much longer");
  command->add_option("--readback-rate", o.readback_rate, "read-back routing requests per second");
  command->add_option("--readback-retry-base", flags->readback_retry_base,
                      "first re-check (and re-PUT) of an endpoint that did not serve the record");
  command->add_option("--readback-retry-max", flags->readback_retry_max, "longest re-check delay");
  command->add_option(
      "--readback-recheck", flags->readback_recheck,
      "re-read endpoints that served the record this often (0s: only after publishing)");
  command->add_option("--validity-slo-period", flags->validity_slo_period,
                      "how often the validity SLO gauges are recomputed from the cache");
  command->add_option("--log-level", flags->log_level, "debug|info|warn|error");
  // A flag given twice takes its last value (wrappers append overrides); --routing collects all.
  for (CLI::Option* option : command->get_options()) {
    if (option->get_name() != "--routing")
      option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
}

}  // namespace cbx::cli
