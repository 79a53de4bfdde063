#include "app/operator_app.h"

#include <map>
#include <mutex>

#include "api/v1alpha1/tee_epoch.h"
#include "app/client_epoch_signer.h"
#include "app/epoch_controller.h"
#include "app/folder_shard.h"
#include "app/kube_key_ledger_store.h"
#include "app/kube_ports.h"
#include "app/ledger_controller.h"
#include "app/ledger_informer.h"
#include "app/metrics.h"
#include "app/quote_chain_setup.h"
#include "app/readback_controller.h"
#include "app/republish_controller.h"
#include "app/routing_ports.h"
#include "app/signer_directory.h"
#include "app/thread_pool.h"
#include "cbx/base/log.h"
#include "cbx/http/beast_client.h"
#include "clients/routing_publisher.h"
#include "controllers/crash_point.h"
#include "controllers/republish/name_claims.h"
#include "kube/kubeconfig.h"
#include "kube/manager.h"
#include "kube/rate_limiter.h"
#include "kube/resource.h"

namespace cbx::op {
namespace {

std::vector<std::string> all_republish_keys(FolderInformer& republishes,
                                            const kube::ShardSpec& shard) {
  std::vector<std::string> keys;
  republishes.store().for_each([&](const CachedFolder& o) {
    if (owns_folder(shard, o)) keys.push_back(o.key());
  });
  return keys;
}

// Folder work of this shard only: other shards' folders are neither enqueued nor reconciled
// (the reconcile guard catches keys added by any other path, e.g. name-claim requeues).
std::function<std::vector<std::string>(const CachedFolder&)> own_folder(
    const kube::ShardSpec& shard) {
  return [shard](const CachedFolder& object) {
    if (!owns_folder(shard, object)) return std::vector<std::string>{};
    return std::vector<std::string>{object.key()};
  };
}
// A key no longer in the cache (deleted) is left to the shard its key hashes to: there is nothing
// to sign for it, so at most a no-op reconcile runs.
kube::Reconciler only_own_folders(const kube::ShardSpec& shard, FolderInformer& republishes,
                                  kube::Reconciler reconcile) {
  return [shard, &republishes, reconcile = std::move(reconcile)](const std::string& key) {
    auto object = republishes.store().get_shared(key);  // no copy: this runs every reconcile
    bool own = object ? owns_folder(shard, *object) : kube::owns_key(shard, key);
    if (!own) return Result<kube::ReconcileOutcome>(kube::ReconcileOutcome{});
    return reconcile(key);
  };
}

// The same guard for a pipeline controller's reconciles.
kube::PipelineReconciler only_own_folders(const kube::ShardSpec& shard, FolderInformer& republishes,
                                          kube::PipelineReconciler start) {
  return [shard, &republishes, start = std::move(start)](const std::string& key,
                                                         kube::ReconcileDone done) {
    auto object = republishes.store().get_shared(key);
    bool own = object ? owns_folder(shard, *object) : kube::owns_key(shard, key);
    if (!own) return done(kube::ReconcileOutcome{});
    start(key, std::move(done));
  };
}

// Counts what the routing publisher answered into the metrics, per endpoint.
class MeteredPublisher : public RecordPublisher {
 public:
  MeteredPublisher(RecordPublisher& inner, OperatorMetrics& metrics)
      : inner_(inner), metrics_(metrics) {}
  Result<NetworkLookup> resolve(const std::string& name) override { return inner_.resolve(name); }
  std::vector<EndpointResult> publish(const std::string& name, ByteView record) override {
    auto results = inner_.publish(name, record);
    crash_point("during-publish");
    for (const auto& r : results) metrics_.routing_result(r.url, r.ok ? "OK" : r.code);
    return results;
  }

 private:
  RecordPublisher& inner_;
  OperatorMetrics& metrics_;
};

// The read-back's view of routing, with its re-PUTs counted like the reconciler's.
class MeteredEndpointRouting : public EndpointRouting, public ReadBackObserver {
 public:
  MeteredEndpointRouting(EndpointRouting& inner, OperatorMetrics& metrics)
      : inner_(inner), metrics_(metrics) {}
  std::vector<std::string> endpoint_urls() const override { return inner_.endpoint_urls(); }
  Result<std::optional<Bytes>> resolve_at(const std::string& url,
                                          const std::string& name) override {
    return inner_.resolve_at(url, name);
  }
  EndpointResult publish_at(const std::string& url, const std::string& name,
                            ByteView record) override {
    auto r = inner_.publish_at(url, name, record);
    metrics_.routing_result(r.url, r.ok ? "OK" : r.code);
    return r;
  }
  void checked(const std::string& url, const std::string& result) override {
    metrics_.readback_result(url, result);
  }

 private:
  EndpointRouting& inner_;
  OperatorMetrics& metrics_;
};

// Remembers each epoch's phase, public key, signer URL and Migrated reason (pre-rotation state,
// which folders' KeyCurrent reflects); changed() is true when one differs.
class EpochChangeFilter {
 public:
  static std::string migrated_reason(const nlohmann::json& status) {
    for (const auto& c : status.value("conditions", nlohmann::json::array())) {
      if (c.is_object() && c.value("type", "") == "Migrated") return c.value("reason", "");
    }
    return "";
  }

  bool changed(const nlohmann::json& epoch) {
    const auto& status = epoch.value("status", nlohmann::json::object());
    std::string fingerprint = status.value("phase", "") + "|" + status.value("publicKey", "") +
                              "|" +
                              epoch.value("spec", nlohmann::json::object())
                                  .value("signer", nlohmann::json::object())
                                  .value("url", "") +
                              "|" + migrated_reason(status);
    std::lock_guard lock(mutex_);
    auto& last = last_[kube::key_of(epoch)];
    if (last == fingerprint) return false;
    last = fingerprint;
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> last_;
};

// Keeps the name claims in step with the cache. When an object appears or goes, every other
// claimant of its name is reconciled again: one may have become (or stopped being) the owner.
void track_name_claims(FolderInformer& republishes, NameClaims& claims, kube::Controller& ctl) {
  auto requeue_name = [&claims, &ctl](const std::string& name, const std::string& except) {
    if (name.empty()) return;
    for (const auto& key : claims.claimants(name)) {
      if (key != except) ctl.queue().add(key);
    }
  };
  auto upsert = [&claims](const CachedFolder& object) {
    if (!object.invalid_spec) {
      claims.upsert(object);
    } else {
      claims.remove(object.key());  // an invalid object is never signed: no claim
    }
  };
  republishes.add_handlers(
      {[=, &claims](const CachedFolder& object) {
         upsert(object);
         auto key = object.key();
         requeue_name(claims.name_of(key), key);
       },
       [=, &claims](const CachedFolder& old_object, const CachedFolder& object) {
         // uid and ipnsName never change for one object: most updates (status writes) need no
         // claim change; a re-created object (after a re-list) or a fixed invalid one does.
         if (old_object.uid == object.uid && old_object.spec.ipns_name == object.spec.ipns_name &&
             !old_object.invalid_spec && !object.invalid_spec &&
             !claims.name_of(object.key()).empty())
           return;
         upsert(object);
       },
       [=, &claims](const CachedFolder& last_known) {
         auto key = last_known.key();
         auto name = claims.name_of(key);
         claims.remove(key);
         requeue_name(name, key);
       }});
}

// The audit ring's view of an epoch: its signer in use and attestation, from the cache.
SignerEvidence evidence_of(kube::Informer& epochs, std::uint64_t number) {
  SignerEvidence out;
  for (const auto& object : epochs.store().list()) {
    auto epoch = parse_tee_epoch(object);
    if (!epoch || epoch->spec.epoch != number) continue;
    if (epoch->status.signer) {
      out.signer = epoch->status.signer->url;
      out.compose_hash = epoch->status.signer->compose_hash;
    }
    if (epoch->status.attestation) out.quote_sha256 = epoch->status.attestation->quote_sha256;
  }
  return out;
}

// The validity SLO gauges, recomputed from the cache on a period (app/validity_slo.h).
constexpr char kValiditySloKey[] = "validity-slo";
// Read-backs are paced (--readback-rate) and take milliseconds each; ledger reconciles are rare.
// The republish controller keeps --workers: its workers make the reservation writes.
constexpr int kReadBackWorkers = 8;
constexpr int kLedgerWorkers = 4;

// Read straight from TeeEpoch status (the epoch controller owns the field; only read here).
std::map<std::uint64_t, double> collateral_next_updates(kube::Informer& epochs) {
  std::map<std::uint64_t, double> out;
  epochs.store().for_each([&](const nlohmann::json& object) {
    try {
      auto epoch = object.value("spec", nlohmann::json::object()).value("epoch", std::uint64_t{0});
      const auto& status = object.value("status", nlohmann::json::object());
      if (epoch == 0 || status.value("phase", "") == "Retired") return;
      auto text =
          status.value("attestation", nlohmann::json::object()).value("collateralNextUpdate", "");
      if (auto at = parse_rfc3339(text)) {
        out[epoch] = std::chrono::duration<double>(at->time_since_epoch()).count();
      }
    } catch (const nlohmann::json::exception&) {
      // a field of another type than the CRD allows: no series for that epoch
    }
  });
  return out;
}

kube::ReconcileOutcome update_validity_slo(FolderInformer& republishes, kube::Informer& epochs,
                                           OperatorMetrics& metrics, Nanos margin, Nanos period) {
  metrics.set_collateral_next_update(collateral_next_updates(epochs));
  auto now =
      std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  ValiditySloBuilder slo(now, margin);
  for (const auto& folder : republishes.store().list_shared()) {
    if (!folder->invalid_spec) slo.add(*folder);
  }
  metrics.set_validity_slo(slo.build());
  return kube::ReconcileOutcome{std::chrono::duration_cast<kube::Duration>(period)};
}

// Observes each republication's lead time as the cache sees status change (leader only: a
// follower sees the same changes and would count them twice across replicas).
void track_lead_time(FolderInformer& republishes, kube::Manager& manager,
                     OperatorMetrics& metrics) {
  republishes.add_handlers(
      {nullptr,
       [&manager, &metrics](const CachedFolder& before, const CachedFolder& after) {
         if (!manager.is_leader() ||
             before.status.published_sequence == after.status.published_sequence)
           return;
         if (!owns_folder(manager.shard(), after)) return;
         if (before.invalid_spec || after.invalid_spec) return;
         if (auto lead = republish_lead_seconds(before.status, after.status)) {
           metrics.republish_lead_time(*lead);
         }
       },
       nullptr});
}

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

int run_operator(const OperatorOptions& options) {
  auto config = kube::load_default_config(options.kubeconfig, options.context);
  if (!config) {
    log::error("cannot load a Kubernetes configuration", {{"error", config.error().message}});
    return 1;
  }
  if (!options.namespace_name.empty()) config->namespace_name = options.namespace_name;
  std::string ns = config->namespace_name;
  kube::KubeClientOptions client_options;
  client_options.qps = options.qps;
  client_options.burst = options.burst;
  auto client = kube::KubeClient::from_config(std::move(*config), client_options);
  if (!client) {
    log::error("cannot create the Kubernetes client", {{"error", client.error().message}});
    return 1;
  }
  if (options.routing_urls.empty()) {
    log::error("no routing endpoint: pass --routing URL at least once");
    return 1;
  }
  auto routing_transport = http::make_beast_client({});
  if (!routing_transport) {
    log::error("cannot create the routing HTTP client",
               {{"error", routing_transport.error().message}});
    return 1;
  }
  std::vector<std::unique_ptr<RoutingClient>> endpoints;
  for (const auto& url : options.routing_urls) {
    endpoints.push_back(std::make_unique<RoutingClient>(**routing_transport, url));
  }
  RoutingPublisher routing_client(std::move(endpoints));
  RoutingPorts routing(routing_client);

  kube::ManagerOptions manager_options;
  manager_options.leader_election.namespace_name = ns;
  manager_options.leader_election.lease_duration = options.lease_duration;
  manager_options.leader_election.renew_deadline = options.renew_deadline;
  manager_options.leader_election.retry_period = options.retry_period;
  manager_options.leader_elect = options.leader_elect;
  manager_options.shard = options.shard;
  manager_options.probe_address = options.probe_address;
  manager_options.workers_per_controller = options.workers;
  manager_options.backoff.base =
      std::chrono::duration_cast<kube::Duration>(millis(options.backoff_base_seconds));
  manager_options.backoff.max =
      std::chrono::duration_cast<kube::Duration>(millis(options.backoff_max_seconds));
  kube::Manager manager(**client, manager_options);
  OperatorMetrics metrics(*manager.registry());
  MeteredPublisher publisher(routing, metrics);

  SignerDirectory signers(**client, ns);
  SignBatcher batcher(
      [&](SignerHandle& signer, std::uint64_t epoch,
          const std::vector<SignRequest>& requests) -> Result<std::vector<SignOutcome>> {
        auto results = signer.sign(epoch, requests);  // a refused token is read again
        if (results) crash_point("during-sign");
        metrics.signer_request(results ? "OK" : results.error().code);
        return results;
      },
      options.batch, [&](std::size_t size) { metrics.batch_size(size); });

  kube::EventRecorder recorder(**client, "republish.cipherbox.io/operator",
                               kube::default_identity());
  KubeStatusWriter api_status_writer(**client);
  OwnWrites status_writer(api_status_writer);
  KubeEventSink event_sink(recorder);
  // KeyLedger objects live in the operator's own namespace only (controllers/ledger).
  auto& ledgers = add_ledger_informer(manager, ns);
  KubeKeyLedgerStore ledger_store(**client, ledgers, ns);
  KeyLedgerWriter ledger_writer(ledger_store);
  // The pipeline's publish stage: signed cycles publish and record their outcome here, never on
  // the batcher's threads (which only hand the answers on).
  ThreadPool publish_stage(static_cast<std::size_t>(options.publish_workers));
  RepublishReconciler reconciler(
      {status_writer, batcher, publisher, event_sink, &ledger_writer, &publish_stage},
      BackoffPolicy{millis(options.backoff_base_seconds), millis(options.backoff_max_seconds),
                    0.2});

  auto& republishes = add_folder_informer(manager);
  auto& epochs = manager.add_informer(kube::resources::kTeeEpoch);
  NameClaims claims;
  RepublishController republish_controller(republishes, epochs, signers, reconciler, metrics,
                                           claims);
  republish_controller.set_own_writes(&status_writer);
  // The cache caught up with a write (or the folder is gone): nothing to remember for it.
  republishes.add_handlers(
      {nullptr,
       [&status_writer](const CachedFolder&, const CachedFolder& folder) {
         (void)status_writer.superseded(folder.key(), folder.resource_version);
       },
       [&status_writer](const CachedFolder& folder) { status_writer.forget(folder.key()); }});
  republish_controller.set_ledger_lookup(
      [&ledger_store](const std::string& name) { return ledger_store.cached(name); });
  LedgerController ledger_controller(republishes, ledger_store, claims, options.ledger_retention);
  std::unique_ptr<QuoteSecondOpinion> verifier;
  if (!options.attestation_verifier.empty()) {
    verifier = std::make_unique<ClientQuoteSecondOpinion>(**routing_transport,
                                                          options.attestation_verifier);
  }
  MeteredEndpointRouting readback_routing(routing, metrics);
  kube::TokenBucket readback_pace(options.readback_rate, 1);
  ReadBackChecker readback_checker(
      {readback_routing, status_writer, event_sink, readback_routing,
       [&readback_pace] { readback_pace.wait(); },
       [&epochs](std::uint64_t epoch) { return evidence_of(epochs, epoch); }},
      options.read_back);
  ReadBackController readback_controller(republishes, readback_checker,
                                         republish_controller.name_locks());
  auto chain = make_quote_chain(options);  // in-process DCAP (PCCS collateral, pinned root)
  if (!chain) {
    log::error("cannot set up quote verification", {{"error", chain.error().message}});
    return 1;
  }
  EpochControllerOptions epoch_options;
  epoch_options.reconciler.chain = chain->verifier.get();
  epoch_options.reconciler.key_recheck = std::chrono::seconds(options.key_recheck_seconds);
  epoch_options.reconciler.rewrap_rate = options.rewrap_rate;
  epoch_options.reconciler.second_opinion = verifier.get();
  epoch_options.resync = millis(options.epoch_resync_seconds);
  epoch_options.ledger_writer = &ledger_writer;
  // Retirement and safeToDecommission count the ledger's copies (controllers/epoch/decommission.h):
  // kept in the epoch controller's index from the ledger informer, read again from the API server
  // before an epoch is Retired.
  epoch_options.ledgers = &ledgers;
  epoch_options.ledger_namespace = ns;
  // Shard 0 only (below): its folder index follows every IpnsRepublish delta.
  std::unique_ptr<EpochController> epoch_controller;

  const kube::ShardSpec shard = options.shard;
  auto& republish_ctl = manager.add_pipeline_controller(
      "republish",
      only_own_folders(
          shard, republishes,
          kube::PipelineReconciler([&](const std::string& key, kube::ReconcileDone done) {
            republish_controller.start(key, std::move(done));
          })),
      static_cast<std::size_t>(options.pipeline_depth));
  auto& readback_ctl = manager.add_controller(
      "readback",
      only_own_folders(shard, republishes,
                       [&](const std::string& key) { return readback_controller.reconcile(key); }),
      kReadBackWorkers);
  track_name_claims(republishes, claims, republish_ctl);  // before watch: claims first
  track_lead_time(republishes, manager, metrics);
  manager.watch(republishes, republish_ctl, own_folder(shard));
  manager.watch(republishes, readback_ctl, own_folder(shard));
  // An epoch's phase, key or signer change (activation, failure, rotation) concerns every
  // folder; its routine status updates (entries, checkedAt) do not.
  EpochChangeFilter epoch_changes;
  manager.watch(epochs, republish_ctl, [&](const nlohmann::json& epoch) {
    return epoch_changes.changed(epoch) ? all_republish_keys(republishes, shard)
                                        : std::vector<std::string>{};
  });
  // Cluster-wide work runs in shard 0 only (one process at a time: its Lease and the topology
  // gate), over the whole cache, which every shard keeps.
  if (shard.index == 0) {
    auto& ledger_ctl = manager.add_controller(
        "ledger", [&](const std::string& key) { return ledger_controller.reconcile(key); },
        kLedgerWorkers);
    ledger_controller.track(republishes, ledger_ctl);  // after the claims: owners are known
    // Every ledger is looked at once the caches are synced (workers wait for that): a folder
    // deleted while no operator ran is noticed by its ledger still listing it.
    manager.watch(ledgers, ledger_ctl, [](const CachedLedger& ledger) {
      return valid_ledger_name(ledger.name) ? std::vector<std::string>{ledger.name}
                                            : std::vector<std::string>{};
    });
    // The retention sweep starts with the first epoch event and then runs on its own period.
    manager.watch(epochs, ledger_ctl, [](const nlohmann::json&) {
      return std::vector<std::string>{LedgerController::kSweepKey};
    });
    epoch_controller = std::make_unique<EpochController>(**client, epochs, republishes, signers,
                                                         recorder, metrics, epoch_options);
    auto& epoch_ctl = manager.add_controller(
        "epoch", [&](const std::string& key) { return epoch_controller->reconcile(key); }, 1);
    auto& slo_ctl = manager.add_controller(
        "validity-slo",
        [&](const std::string&) {
          return Result<kube::ReconcileOutcome>(update_validity_slo(
              republishes, epochs, metrics, options.read_back.margin, options.validity_slo_period));
        },
        1);
    // The epoch controller runs on epoch changes and on its own period (it reads its folder
    // index then, kept from the informers' deltas); folder changes do not trigger a pass. The SLO
    // pass is started by the first epoch event, then runs on its own period.
    manager.watch(epochs, slo_ctl,
                  [](const nlohmann::json&) { return std::vector<std::string>{kValiditySloKey}; });
    manager.watch(epochs, epoch_ctl, [](const nlohmann::json&) {
      return std::vector<std::string>{EpochController::kKey};
    });
  }

  if (!armed_crash_points().empty()) {
    log::warn("TEST ONLY: crash points armed (CBX_FAULT_KILL_AT); this process will SIGKILL itself",
              {{"points", std::string(armed_crash_points())}});
  }
  log::info("operator starting", {{"namespace", ns},
                                  {"routing", options.routing_urls},
                                  {"leaderElect", options.leader_elect},
                                  {"shard", kube::to_string(shard)},
                                  {"workers", options.workers}});
  return manager.run_until_signal();
}

}  // namespace cbx::op
