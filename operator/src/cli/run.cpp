#include "cli/run.h"

#include <memory>

#include "app/operator_app.h"
#include "cbx/base/duration.h"
#include "cbx/base/log.h"

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
};

std::optional<double> seconds_of(const std::string& text) {
  auto d = parse_duration(text);
  if (!d) return std::nullopt;
  return std::chrono::duration<double>(*d).count();
}

int run(RunFlags& flags, const Io& io) {
  auto linger = parse_duration(flags.linger);
  auto base = seconds_of(flags.backoff_base);
  auto max = seconds_of(flags.backoff_max);
  auto recheck = seconds_of(flags.key_recheck);
  auto resync = seconds_of(flags.epoch_resync);
  if (!resync || *resync <= 0) return usage_error(io, "--epoch-resync takes a positive duration such as 15s");
  if (flags.options.rewrap_rate <= 0) return usage_error(io, "--rewrap-rate must be above 0");
  flags.options.epoch_resync_seconds = *resync;
  if (!linger || !base || !max || !recheck) {
    return usage_error(io, "--batch-linger, --backoff-base, --backoff-max and --key-recheck take durations such as 50ms or 5m");
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
  CLI::App* command = cli.add_command(cli.app(), "run", "Run the operator (controllers for IpnsRepublish and TeeEpoch)",
                                      [flags](const Io& io) { return run(*flags, io); });
  command->add_option("--kubeconfig", o.kubeconfig, "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)");
  command->add_option("--context", o.context, "kubeconfig context");
  command->add_option("--namespace", o.namespace_name, "the operator's namespace (Lease, signer token Secrets)");
  command->add_option("--routing", o.routing_urls, "Delegated Routing V1 base URL (repeatable)")->required();
  command->add_option("--probe-address", o.probe_address, "HOST:PORT of /healthz /readyz /metrics (empty: off)");
  command->add_option("--leader-elect", o.leader_elect, "elect a leader on the Lease cipherbox-republish");
  command->add_option("--workers", o.workers, "republish workers")->check(CLI::Range(1, 1024));
  command->add_option("--batch-size", o.batch.max_batch, "entries per sign request (<= 50)");
  command->add_option("--batch-linger", flags->linger, "how long a batch waits for more entries");
  command->add_option("--max-in-flight", o.batch.max_in_flight, "sign requests on the wire at once");
  command->add_option("--qps", o.qps, "Kubernetes API requests per second");
  command->add_option("--burst", o.burst, "Kubernetes API burst");
  command->add_option("--backoff-base", flags->backoff_base, "first retry delay after a failure");
  command->add_option("--backoff-max", flags->backoff_max, "longest retry delay");
  command->add_option("--key-recheck", flags->key_recheck, "how often epoch keys are asked for again");
  command->add_option("--epoch-resync", flags->epoch_resync, "how often the epoch controller re-evaluates all epochs");
  command->add_option("--rewrap-rate", o.rewrap_rate, "pre-rotation: keys per second re-encrypted on an old signer");
  command->add_option("--attestation-verifier", o.attestation_verifier,
                      "URL of a TDX quote verifier (POST {quote: hex} -> {verified}); none: Attested says NoVerifierConfigured");
  command->add_option("--log-level", flags->log_level, "debug|info|warn|error");
  // A flag given twice takes its last value (wrappers append overrides); --routing collects all.
  for (CLI::Option* option : command->get_options()) {
    if (option->get_name() != "--routing") option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
}

}  // namespace cbx::cli
