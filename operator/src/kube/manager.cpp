#include "kube/manager.h"

#include <prometheus/text_serializer.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>

#include "cbx/base/log.h"

namespace cbx::kube {

std::string default_identity() {
  std::string base;
  if (auto pod = process_env("POD_NAME"); pod && !pod->empty()) {
    base = *pod;
  } else {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    base = host;
  }
  SystemRandom random;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "_%d_%06x", static_cast<int>(getpid()),
                static_cast<unsigned>(random.uniform() * 0xffffff));
  return base + suffix;
}

Controller::Controller(std::string name, Reconciler reconciler, const Clock& clock, Random& random,
                       BackoffPolicy backoff)
    : Controller(
          std::move(name),
          [reconcile = std::move(reconciler)](const std::string& key, ReconcileDone done) {
            done(reconcile(key));
          },
          std::numeric_limits<std::size_t>::max(), clock, random, backoff) {}

Controller::Controller(std::string name, PipelineReconciler reconciler, std::size_t max_in_flight,
                       const Clock& clock, Random& random, BackoffPolicy backoff)
    : name_(std::move(name)),
      reconciler_(std::move(reconciler)),
      max_in_flight_(std::max<std::size_t>(max_in_flight, 1)),
      queue_(clock, random, backoff) {}

bool Controller::take_slot() {
  std::unique_lock lock(mutex_);
  slot_freed_.wait(lock, [this] { return shutdown_ || in_flight_ < max_in_flight_; });
  if (shutdown_) return false;
  ++in_flight_;
  return true;
}

bool Controller::process_next() {
  if (!take_slot()) return false;
  auto key = queue_.get();
  if (!key) {
    finish_slot_only();
    return false;
  }
  // Exactly once, whoever calls it first: the reconciler, or this function when it threw.
  auto called = std::make_shared<std::atomic<bool>>(false);
  ReconcileDone done = [this, key = *key, called](Result<ReconcileOutcome> result) {
    if (!called->exchange(true)) finish(key, std::move(result));
  };
  try {
    reconciler_(*key, done);
  } catch (const std::exception& e) {
    done(make_error("RECONCILE_THREW", e.what()));
  } catch (...) {
    done(make_error("RECONCILE_THREW", "reconciler threw"));
  }
  return true;
}

void Controller::finish(const std::string& key, Result<ReconcileOutcome> result) {
  if (!result) {
    queue_.add_rate_limited(key);
    log::warn("reconcile failed", {{"controller", name_},
                                   {"key", key},
                                   {"code", result.error().code},
                                   {"error", result.error().message},
                                   {"failures", queue_.failures(key)}});
    if (on_result) on_result("error");
  } else {
    queue_.forget(key);
    if (result->requeue_after) queue_.add_after(key, *result->requeue_after);
    if (on_result) on_result(result->requeue_after ? "requeue" : "success");
  }
  queue_.done(key);
  finish_slot_only();
}

void Controller::finish_slot_only() {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
  }
  slot_freed_.notify_all();
}

void Controller::shutdown() {
  queue_.shutdown();
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
  }
  slot_freed_.notify_all();
}

void Controller::wait_idle() {
  std::unique_lock lock(mutex_);
  slot_freed_.wait(lock, [this] { return in_flight_ == 0; });
}

std::size_t Controller::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

Manager::Manager(KubeClient& client, ManagerOptions options,
                 std::shared_ptr<prometheus::Registry> registry, const Clock& clock, Random* random)
    : client_(client),
      options_(std::move(options)),
      registry_(registry ? std::move(registry) : std::make_shared<prometheus::Registry>()),
      clock_(clock),
      owned_random_(random ? nullptr : std::make_unique<SystemRandom>()),
      random_(random ? random : owned_random_.get()) {
  if (options_.leader_election.namespace_name.empty()) {
    options_.leader_election.namespace_name = client_.default_namespace();
  }
  if (options_.leader_election.identity.empty()) {
    options_.leader_election.identity = default_identity();
  }
  topology_gate_ = std::make_unique<TopologyGate>(options_.leader_election.name, options_.shard);
  options_.leader_election.name = shard_lease_name(options_.leader_election.name, options_.shard);
  depth_family_ = &prometheus::BuildGauge()
                       .Name("cipherbox_workqueue_depth")
                       .Help("Keys ready to be reconciled, per controller")
                       .Register(*registry_);
  leader_gauge_ = &prometheus::BuildGauge()
                       .Name("cipherbox_leader")
                       .Help("1 while this process holds the leader Lease")
                       .Register(*registry_)
                       .Add({});
  requests_family_ = &prometheus::BuildCounter()
                          .Name("cipherbox_kube_api_requests_total")
                          .Help("Kubernetes API requests by verb and HTTP status (or error)")
                          .Register(*registry_);
  reconcile_family_ = &prometheus::BuildCounter()
                           .Name("cipherbox_reconcile_total")
                           .Help("Reconciles by controller and result")
                           .Register(*registry_);
  client_.set_observer([family = requests_family_](std::string_view verb, std::string_view code) {
    family->Add({{"verb", std::string(verb)}, {"code", std::string(code)}}).Increment();
  });
}

Manager::~Manager() {
  stop();
  client_.set_observer(nullptr);
}

Informer& Manager::add_informer(const Resource& resource, InformerOptions options) {
  auto informer = std::make_unique<Informer>(client_, resource, std::move(options));
  auto& out = *informer;
  informers_.push_back(std::move(informer));
  return out;
}

Controller& Manager::add_controller(const std::string& name, Reconciler reconciler, int workers) {
  controllers_.push_back(std::make_unique<Controller>(name, std::move(reconciler), clock_, *random_,
                                                      options_.backoff));
  controllers_.back()->workers = workers;
  return observed(*controllers_.back());
}

Controller& Manager::add_pipeline_controller(const std::string& name, PipelineReconciler reconciler,
                                             std::size_t max_in_flight) {
  controllers_.push_back(std::make_unique<Controller>(name, std::move(reconciler), max_in_flight,
                                                      clock_, *random_, options_.backoff));
  return observed(*controllers_.back());
}

Controller& Manager::observed(Controller& controller) {
  const auto& name = controller.name();
  controller.on_result = [this, name](const std::string& result) {
    reconcile_family_->Add({{"controller", name}, {"result", result}}).Increment();
  };
  return controller;
}

bool Manager::ready() const {
  for (const auto& informer : informers_) {
    if (!informer->has_synced()) return false;
  }
  return true;
}

bool Manager::wait_until_serving(Duration timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!serving_ && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return serving_;
}

std::string Manager::metrics_text() {
  for (const auto& controller : controllers_) {
    depth_family_->Add({{"name", controller->name()}})
        .Set(static_cast<double>(controller->queue().depth()));
  }
  leader_gauge_->Set(leader_ ? 1 : 0);
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

bool Manager::start_probe_server() {
  if (options_.probe_address.empty()) return true;
  auto server = ProbeServer::start(options_.probe_address,
                                   {[this] { return ready(); }, [this] { return metrics_text(); }});
  if (!server) {
    log::error("probe server cannot start",
               {{"address", options_.probe_address}, {"error", server.error().message}});
    return false;
  }
  probe_server_ = std::move(server.value());
  probe_port_ = probe_server_->port();
  return true;
}

// Asked after our Lease was acquired (kube/README.md, "Shards").
bool Manager::topology_allows_start() {
  auto blockers = live_other_topologies(client_, options_.leader_election.namespace_name,
                                        *topology_gate_, clock_.now());
  if (!blockers) {
    log::warn("cannot check the shard topology: not starting",
              {{"code", blockers.error().code}, {"error", blockers.error().message}});
    return false;
  }
  if (!blockers->empty() && *blockers != last_blockers_) {
    log::info("waiting for another shard topology to stop",
              {{"shard", to_string(options_.shard)}, {"liveLeases", *blockers}});
  }
  last_blockers_ = *blockers;
  return blockers->empty();
}

void Manager::start_workers() {
  std::lock_guard lock(mutex_);
  leader_ = true;
  for (auto& controller : controllers_) {
    int workers = controller->workers > 0 ? controller->workers : options_.workers_per_controller;
    for (int i = 0; i < workers; ++i) {
      worker_threads_.emplace_back([this, c = controller.get()] {
        // Reconcile only from synced caches (controller-runtime's WaitForCacheSync).
        for (auto& informer : informers_) {
          while (!stopping_ && !c->queue().shutting_down() &&
                 !informer->wait_for_sync(std::chrono::milliseconds(200))) {
          }
        }
        while (!stopping_ && c->process_next()) {
        }
      });
    }
  }
}

void Manager::stop_workers() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    for (auto& controller : controllers_) controller->shutdown();
    workers.swap(worker_threads_);
  }
  for (auto& t : workers) t.join();
  // Keys still in a pipeline finish (their status writes land) before leadership is given up.
  for (auto& controller : controllers_) controller->wait_idle();
  leader_ = false;
}

int Manager::run() {
  if (!start_probe_server()) return 1;
  for (auto& informer : informers_) {
    informer_threads_.emplace_back([i = informer.get()] { i->run(); });
  }
  serving_ = true;
  int code = 0;
  if (options_.leader_elect) {
    LeaderElector* elector;
    {
      std::lock_guard lock(mutex_);
      elector_ = std::make_unique<LeaderElector>(
          client_, options_.leader_election,
          LeaderCallbacks{[this] { start_workers(); }, [this] { stop_workers(); },
                          [this] { return topology_allows_start(); }},
          clock_, random_);
      elector = elector_.get();
      if (stopping_) elector->stop();
    }
    if (elector->run()) code = kLostLeadership;
  } else {
    start_workers();
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return stopping_.load(); });
    lock.unlock();
    stop_workers();
  }
  stopping_ = true;
  for (auto& informer : informers_) informer->stop();
  for (auto& t : informer_threads_) t.join();
  informer_threads_.clear();
  if (probe_server_) probe_server_->shutdown();
  serving_ = false;
  return code;
}

void Manager::stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  if (elector_) elector_->stop();
  cv_.notify_all();
}

int Manager::run_until_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::atomic<int> code{0};
  std::thread runner([&] {
    code = run();
    ::kill(::getpid(), SIGTERM);  // wakes the signal wait below when run() ended on its own
  });
  int sig = 0;
  sigwait(&set, &sig);
  log::info("shutting down", {{"signal", sig}});
  stop();
  runner.join();
  return code;
}

}  // namespace cbx::kube
