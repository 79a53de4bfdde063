// An informer keeps a correct cache, and its handlers see every change exactly once per object
// version, across a kube-apiserver restart and across a forced 410 Gone (etcd compaction while
// the informer was not watching). This control plane runs with --watch-cache=false, so watches
// are served from etcd and see its compaction.
#include <gtest/gtest.h>

#include <map>

#include "kube/informer.h"
#include "support.h"

namespace cbx::kube::it {
namespace {

using namespace std::chrono_literals;

// The real transport, with watches that can be cut and held back (a network partition for
// watches only): the one fault the real API server cannot produce on demand.
class PartitionableTransport final : public http::HttpTransport {
 public:
  explicit PartitionableTransport(std::unique_ptr<http::HttpTransport> inner)
      : inner_(std::move(inner)) {}

  Result<http::Response> request(const http::Request& r) override { return inner_->request(r); }

  Result<http::Response> stream(const http::Request& r, const http::ChunkHandler& on_chunk,
                                http::Cancellation* cancel) override {
    auto link = std::make_shared<http::Cancellation>();
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return !partitioned_ || (cancel && cancel->cancelled()); });
      if (cancel && cancel->cancelled()) return make_error("CANCELLED", "cancelled");
      active_.insert(link.get());
      ++watches_started_;
    }
    if (cancel && !cancel->set_hook([link] { link->cancel(); })) link->cancel();
    auto result = inner_->stream(r, on_chunk, link.get());
    if (cancel) cancel->clear_hook();
    std::lock_guard lock(mutex_);
    active_.erase(link.get());
    return result;
  }

  void partition() {
    std::lock_guard lock(mutex_);
    partitioned_ = true;
    for (auto* c : active_) c->cancel();
  }
  void heal() {
    std::lock_guard lock(mutex_);
    partitioned_ = false;
    cv_.notify_all();
  }
  // Wakes a stream() waiting in a partition so that an informer can stop.
  void wake() { cv_.notify_all(); }
  int watches_started() {
    std::lock_guard lock(mutex_);
    return watches_started_;
  }

 private:
  std::unique_ptr<http::HttpTransport> inner_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool partitioned_ = false;
  std::set<http::Cancellation*> active_;
  int watches_started_ = 0;
};

// Counts handler invocations per object version.
class Ledger {
 public:
  void attach(Informer& informer) {
    informer.add_handlers({[this](const json& o) { note("add", o); },
                           [this](const json&, const json& o) { note("update", o); },
                           [this](const json& o) { note("delete", o); }});
  }
  void note(const std::string& what, const json& o) {
    std::lock_guard lock(mutex_);
    std::string key = key_of(o);
    if (what == "delete") {
      ++deletes_[key];
      return;
    }
    ++seen_[{key, resource_version_of(o)}];
    generations_[key].push_back(o["metadata"].value("generation", 0));
    if (what == "add") ++adds_[key];
  }
  // No object version was handled twice, and per object generations only go up.
  void expect_no_duplicates() {
    std::lock_guard lock(mutex_);
    for (const auto& [version, count] : seen_) {
      EXPECT_EQ(count, 1) << version.first << "@" << version.second << " handled " << count << "x";
    }
    for (const auto& [key, gens] : generations_) {
      for (std::size_t i = 1; i < gens.size(); ++i) {
        EXPECT_LT(gens[i - 1], gens[i]) << key << " saw generation " << gens[i] << " again";
      }
    }
  }
  int adds(const std::string& key) {
    std::lock_guard lock(mutex_);
    return adds_[key];
  }
  int deletes(const std::string& key) {
    std::lock_guard lock(mutex_);
    return deletes_[key];
  }
  bool handled(const std::string& key, const std::string& rv) {
    std::lock_guard lock(mutex_);
    return seen_.contains({key, rv});
  }

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, int> seen_;
  std::map<std::string, std::vector<long>> generations_;
  std::map<std::string, int> adds_;
  std::map<std::string, int> deletes_;
};

class DisruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    install_crds();
    admin_ = admin_client();
    ASSERT_TRUE(admin_);
    ns_ = make_namespace(*admin_, "disrupt");
    for (int i = 0; i < 5; ++i) create("f" + std::to_string(i));
    auto config = load_kubeconfig_file(kubeconfig_path());
    ASSERT_TRUE(config.ok());
    http::ClientOptions http_options;
    http_options.tls = std::move(config->tls);
    auto inner = http::make_beast_client(std::move(http_options));
    ASSERT_TRUE(inner.ok());
    auto transport = std::make_unique<PartitionableTransport>(std::move(inner.value()));
    transport_ = transport.get();
    KubeClientOptions options;
    options.qps = 0;
    client_ =
        std::make_unique<KubeClient>(std::move(transport), config->server,
                                     TokenSource(config->token, config->token_file), ns_, options);
    InformerOptions informer_options;
    informer_options.namespace_name = ns_;
    informer_options.max_backoff = 2s;
    informer_ = std::make_unique<Informer>(*client_, resources::kIpnsRepublish, informer_options);
    ledger_.attach(*informer_);
    runner_ = std::thread([this] { informer_->run(); });
    ASSERT_TRUE(informer_->wait_for_sync(60s));
  }
  void TearDown() override {
    if (informer_) informer_->stop();
    if (transport_) {
      transport_->heal();
      transport_->wake();
    }
    if (runner_.joinable()) runner_.join();
  }

  void create(const std::string& name) {
    auto r = admin_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, name));
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void change_spec(const std::string& name, const std::string& interval) {
    auto r = admin_->patch(resources::kIpnsRepublish, ns_, name, PatchType::merge,
                           {{"spec", {{"interval", interval}}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void remove(const std::string& name) {
    ASSERT_TRUE(admin_->remove(resources::kIpnsRepublish, ns_, name).ok());
  }
  // The informer's cache equals the server's state, version for version, and every current
  // version was handed to the handlers.
  bool cache_matches_server() {
    auto listed = admin_->list(resources::kIpnsRepublish, ns_);
    if (!listed) return false;
    if (listed->items.size() != informer_->store().size()) return false;
    for (const auto& item : listed->items) {
      auto cached = informer_->store().get(key_of(item));
      if (!cached || resource_version_of(*cached) != resource_version_of(item)) return false;
      if (!ledger_.handled(key_of(item), resource_version_of(item))) return false;
    }
    return true;
  }
  void make_changes() {
    change_spec("f0", "2h");
    change_spec("f1", "3h");
    change_spec("f1", "4h");
    remove("f4");
    create("f5");
  }
  void expect_exact_work() {
    ASSERT_TRUE(eventually(60s, [&] { return cache_matches_server(); }));
    ledger_.expect_no_duplicates();
    for (int i = 0; i < 4; ++i) EXPECT_EQ(ledger_.adds(ns_ + "/f" + std::to_string(i)), 1);
    EXPECT_EQ(ledger_.adds(ns_ + "/f5"), 1);
    EXPECT_EQ(ledger_.deletes(ns_ + "/f4"), 1);
    EXPECT_EQ(ledger_.deletes(ns_ + "/f0"), 0);
  }

  std::unique_ptr<KubeClient> admin_;
  std::string ns_;
  PartitionableTransport* transport_ = nullptr;
  std::unique_ptr<KubeClient> client_;
  std::unique_ptr<Informer> informer_;
  Ledger ledger_;
  std::thread runner_;
};

TEST_F(DisruptionTest, WatchContinuesAcrossAnApiServerRestart) {
  int watches_before = transport_->watches_started();
  sh(CBX_SOURCE_DIR "/hack/local-cp.sh restart-apiserver '" + state_dir() + "' >/dev/null 2>&1");
  make_changes();
  expect_exact_work();
  EXPECT_GT(transport_->watches_started(), watches_before) << "the informer re-watched";
  EXPECT_GE(informer_->stats().errors, 1) << "the restart broke the watch";
}

TEST_F(DisruptionTest, RelistsAfterA410WithoutMissingOrRepeatingWork) {
  transport_->partition();
  make_changes();
  // Writes elsewhere move etcd's revision past anything the informer saw; compacting there makes
  // the informer's resourceVersion too old.
  auto cm = admin_->create(resources::kConfigMap, ns_,
                           {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "bump"}, {"namespace", ns_}}}});
  ASSERT_TRUE(cm.ok());
  sh(CBX_SOURCE_DIR "/hack/local-cp.sh compact '" + state_dir() + "' >/dev/null");
  int lists_before = informer_->stats().lists;
  transport_->heal();
  ASSERT_TRUE(eventually(60s, [&] { return informer_->stats().gone >= 1; }))
      << "the watch from the compacted resourceVersion got 410 Gone";
  expect_exact_work();
  EXPECT_EQ(informer_->stats().lists, lists_before + 1) << "exactly one re-list";
}

}  // namespace
}  // namespace cbx::kube::it
