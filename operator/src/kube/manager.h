#pragma once
// Manager: wires informers, per-controller work queues and workers, leader election, graceful
// shutdown and the operator's /healthz, /readyz (all caches synced) and /metrics endpoint.
//
// Followers keep their informers warm and do nothing else; workers run only while this process
// leads (DESIGN §8 invariant 7). Losing the Lease stops the workers and makes run() return
// kLostLeadership: the process should exit (and be restarted) as client-go operators do.
//
//   Manager mgr(client, options);
//   auto& epochs = mgr.add_informer(resources::kTeeEpoch);
//   auto& ctl = mgr.add_controller("republish", reconcile_fn);
//   mgr.watch(epochs, ctl);                // object events enqueue the object's key
//   return mgr.run_until_signal();         // SIGTERM/SIGINT: graceful shutdown
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kube/client.h"
#include "kube/informer.h"
#include "kube/leader_election.h"
#include "kube/probe_server.h"
#include "kube/shard.h"
#include "kube/topology_gate.h"
#include "kube/work_queue.h"

namespace cbx::kube {

struct ReconcileOutcome {
  std::optional<Duration> requeue_after;  // "reconcile again at now + d" (level-based timer)
};
// An error is retried with the queue's per-key backoff; success forgets the key's failures.
using Reconciler = std::function<Result<ReconcileOutcome>(const std::string& key)>;
// A reconcile that may finish later, on any thread: it calls done exactly once. Until then the
// key stays "in progress" (no second reconcile of it starts) and holds one in-flight slot.
using ReconcileDone = std::function<void(Result<ReconcileOutcome>)>;
using PipelineReconciler = std::function<void(const std::string& key, ReconcileDone done)>;

struct ManagerOptions {
  // namespace_name and identity filled in if empty; `name` is the base of the shard Leases.
  LeaderElectionConfig leader_election;
  bool leader_elect = true;
  // This process's shard: the Lease it campaigns on (kube/shard.h) and the topology gate
  // (kube/topology_gate.h) it passes before its workers start.
  ShardSpec shard;
  std::string probe_address = "0.0.0.0:8080";  // /healthz /readyz /metrics; empty: none
  int workers_per_controller = 2;
  BackoffPolicy backoff;
};

class Controller {
 public:
  Controller(std::string name, Reconciler reconciler, const Clock& clock, Random& random,
             BackoffPolicy backoff);
  // At most max_in_flight keys started and not yet done: a worker waits for a free slot before
  // it takes the next key.
  Controller(std::string name, PipelineReconciler reconciler, std::size_t max_in_flight,
             const Clock& clock, Random& random, BackoffPolicy backoff);
  const std::string& name() const { return name_; }
  // Worker threads of this controller; 0: the manager's workers_per_controller.
  int workers = 0;
  WorkQueue& queue() { return queue_; }
  // Takes one key from the queue and starts its reconcile (a plain Reconciler: runs it); false
  // once shut down.
  bool process_next();
  // Shuts the queue down and releases workers waiting for a slot.
  void shutdown();
  // Blocks until every started reconcile has called done (after shutdown(): drains).
  void wait_idle();
  std::size_t in_flight() const;
  std::function<void(const std::string& result)> on_result;  // "success" | "error" | "requeue"

 private:
  bool take_slot();  // false once shut down
  void finish(const std::string& key, Result<ReconcileOutcome> result);
  void finish_slot_only();

  std::string name_;
  PipelineReconciler reconciler_;
  std::size_t max_in_flight_;
  WorkQueue queue_;
  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::size_t in_flight_ = 0;
  bool shutdown_ = false;
};

class Manager {
 public:
  static constexpr int kLostLeadership = 3;

  Manager(KubeClient& client, ManagerOptions options,
          std::shared_ptr<prometheus::Registry> registry = nullptr,
          const Clock& clock = system_clock(), Random* random = nullptr);
  ~Manager();

  Informer& add_informer(const Resource& resource, InformerOptions options = {});
  // An informer whose cache holds each object decoded once into Object (kube/informer.h).
  template <class Object>
  BasicInformer<Object>& add_typed_informer(const Resource& resource,
                                            typename BasicInformer<Object>::Decode decode,
                                            InformerOptions options = {}) {
    auto informer = std::make_unique<BasicInformer<Object>>(client_, resource, std::move(options),
                                                            std::move(decode));
    auto& out = *informer;
    informers_.push_back(std::move(informer));
    return out;
  }
  // workers: its threads (0: options.workers_per_controller). A controller of one key (a
  // periodic pass) needs one; each thread is a stack and a malloc arena's worth of memory.
  Controller& add_controller(const std::string& name, Reconciler reconciler, int workers = 0);
  // A controller whose reconciles finish later (a pipeline), max_in_flight keys at a time.
  // Stopping the workers waits until every started key is done.
  Controller& add_pipeline_controller(const std::string& name, PipelineReconciler reconciler,
                                      std::size_t max_in_flight);
  // Enqueues keys for every change the informer sees; map turns an object into keys of the
  // controller (default: the object's own key).
  template <class Object>
  void watch(
      BasicInformer<Object>& informer, Controller& controller,
      std::type_identity_t<std::function<std::vector<std::string>(const Object&)>> map = nullptr) {
    auto enqueue = [&controller, map = std::move(map)](const Object& object) {
      if (!map) {
        controller.queue().add(ObjectTraits<Object>::key(object));
        return;
      }
      for (const auto& key : map(object)) controller.queue().add(key);
    };
    informer.add_handlers(
        {enqueue, [enqueue](const Object&, const Object& now) { enqueue(now); }, enqueue});
  }
  void watch(Informer& informer, Controller& controller,
             std::function<std::vector<std::string>(const json&)> map = nullptr) {
    watch<json>(informer, controller, std::move(map));
  }

  // Blocks until stop() (returns 0) or lost leadership (kLostLeadership).
  int run();
  void stop();
  // Blocks SIGTERM/SIGINT, runs, and stops gracefully on the first of them. Call it before any
  // other thread is started, so that every thread inherits the signal mask.
  int run_until_signal();

  bool ready() const;  // all informers synced
  bool is_leader() const { return leader_.load(); }
  const ShardSpec& shard() const { return options_.shard; }
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }
  // The port the probe server listens on (after run() started it), 0 if none.
  std::uint16_t probe_port() const { return probe_port_; }
  bool wait_until_serving(Duration timeout) const;

 private:
  Controller& observed(Controller& controller);  // counts its results in the metrics
  void start_workers();
  void stop_workers();
  std::string metrics_text();
  bool start_probe_server();
  bool topology_allows_start();

  KubeClient& client_;
  ManagerOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  const Clock& clock_;
  std::unique_ptr<Random> owned_random_;
  Random* random_;
  std::vector<std::unique_ptr<InformerBase>> informers_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  std::vector<std::thread> informer_threads_;
  std::vector<std::thread> worker_threads_;
  std::unique_ptr<LeaderElector> elector_;
  std::unique_ptr<TopologyGate> topology_gate_;
  std::vector<std::string> last_blockers_;
  std::unique_ptr<ProbeServer> probe_server_;
  std::atomic<std::uint16_t> probe_port_{0};
  std::atomic<bool> leader_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> serving_{false};
  std::mutex mutex_;
  std::condition_variable cv_;

  prometheus::Family<prometheus::Gauge>* depth_family_;
  prometheus::Gauge* leader_gauge_;
  prometheus::Family<prometheus::Counter>* requests_family_;
  prometheus::Family<prometheus::Counter>* reconcile_family_;
};

// A unique identity for leader election: $POD_NAME or the host name, plus pid.
std::string default_identity();

}  // namespace cbx::kube
