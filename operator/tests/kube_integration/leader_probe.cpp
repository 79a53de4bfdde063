// A minimal operator process for the leader-election tests: a Manager with leader election, an
// IpnsRepublish informer and a controller that only counts reconciles (visible on /metrics).
// Prints "PORT <n>" once the probe server listens and "LEADING" when it starts leading.
//
// usage: cbx_kube_leader_probe KUBECONFIG NAMESPACE IDENTITY LEASE_MS RENEW_MS RETRY_MS
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "kube/manager.h"

using namespace cbx::kube;

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s KUBECONFIG NAMESPACE IDENTITY LEASE_MS RENEW_MS RETRY_MS\n",
                 argv[0]);
    return 2;
  }
  // Before any thread starts, so that only run_until_signal() receives SIGTERM.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto config = load_kubeconfig_file(argv[1]);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 1;
  }
  auto client = KubeClient::from_config(std::move(config.value()));
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message.c_str());
    return 1;
  }
  std::string ns = argv[2];
  ManagerOptions options;
  options.leader_election.namespace_name = ns;
  options.leader_election.identity = argv[3];
  options.leader_election.lease_duration = std::chrono::milliseconds(std::atol(argv[4]));
  options.leader_election.renew_deadline = std::chrono::milliseconds(std::atol(argv[5]));
  options.leader_election.retry_period = std::chrono::milliseconds(std::atol(argv[6]));
  options.probe_address = "127.0.0.1:0";
  Manager manager(**client, options);
  InformerOptions informer_options;
  informer_options.namespace_name = ns;
  auto& informer = manager.add_informer(resources::kIpnsRepublish, informer_options);
  auto& controller =
      manager.add_controller("probe", [&](const std::string&) -> cbx::Result<ReconcileOutcome> {
        static std::once_flag announced;
        std::call_once(announced, [] {
          std::printf("LEADING\n");
          std::fflush(stdout);
        });
        return ReconcileOutcome{};
      });
  manager.watch(informer, controller);
  std::thread announcer([&] {
    if (manager.wait_until_serving(std::chrono::seconds(30))) {
      std::printf("PORT %u\n", static_cast<unsigned>(manager.probe_port()));
      std::fflush(stdout);
    }
  });
  int code = manager.run_until_signal();
  announcer.join();
  return code;
}
