// The Kubernetes client against the real API server: CRDs, create/get/list with pagination,
// watch, schema rejections, status patches with conflicts, events, leases, client certificates
// from embedded data and from files.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "kube/events.h"
#include "kube/lease.h"
#include "support.h"

namespace cbx::kube::it {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { install_crds(); }
  void SetUp() override {
    client_ = admin_client();
    ASSERT_TRUE(client_);
    ns_ = make_namespace(*client_, "api");
  }
  std::unique_ptr<KubeClient> client_;
  std::string ns_;
};

TEST_F(ApiTest, CreatesGetsAndListsCustomResourcesPageByPage) {
  for (int i = 0; i < 7; ++i) {
    auto created = client_->create(resources::kIpnsRepublish, ns_,
                                   ipns_republish(ns_, "folder-" + std::to_string(i)));
    ASSERT_TRUE(created.ok()) << created.error().message;
    EXPECT_EQ((*created)["spec"]["interval"], "6h") << "the CRD's default applies";
  }
  auto got = client_->get(resources::kIpnsRepublish, ns_, "folder-3");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ((*got)["spec"]["cid"], kCid);

  ListOptions options;
  options.limit = 2;
  auto first = client_->list_page(resources::kIpnsRepublish, ns_, options);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->items.size(), 2u);
  EXPECT_FALSE(first->continue_token.empty()) << "the server paginates";
  auto all = client_->list(resources::kIpnsRepublish, ns_, options);
  ASSERT_TRUE(all.ok()) << all.error().message;
  std::set<std::string> names;
  for (const auto& item : all->items) names.insert(item["metadata"]["name"]);
  EXPECT_EQ(names.size(), 7u);
  EXPECT_FALSE(all->resource_version.empty());

  auto missing = client_->get(resources::kIpnsRepublish, ns_, "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "NOT_FOUND");
  auto duplicate = client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "folder-0"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, "ALREADY_EXISTS");
}

TEST_F(ApiTest, RejectsInvalidObjectsWithTheSchemaMessage) {
  auto epoch_zero = client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "bad", 0));
  ASSERT_FALSE(epoch_zero.ok());
  EXPECT_EQ(epoch_zero.error().code, "INVALID");
  EXPECT_NE(epoch_zero.error().message.find("keyEpoch"), std::string::npos)
      << epoch_zero.error().message;

  ASSERT_TRUE(client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "fixed")).ok());
  json change_name = {
      {"spec", {{"ipnsName", "k51qzi5uqu5dm6ws6il42vv2sac7posnr7pmu5pgaikry2us6irlnt6swefvku"}}}};
  auto immutable =
      client_->patch(resources::kIpnsRepublish, ns_, "fixed", PatchType::merge, change_name);
  ASSERT_FALSE(immutable.ok());
  EXPECT_EQ(immutable.error().code, "INVALID");
  EXPECT_NE(immutable.error().message.find("ipnsName is immutable"), std::string::npos)
      << immutable.error().message;
}

TEST_F(ApiTest, WatchStreamsChangesFromAResourceVersion) {
  ASSERT_TRUE(client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "w1")).ok());
  auto listed = client_->list(resources::kIpnsRepublish, ns_);
  ASSERT_TRUE(listed.ok());
  std::vector<std::string> events;
  http::Cancellation cancel;
  std::thread watcher([&] {
    WatchOptions options;
    options.resource_version = listed->resource_version;
    auto status = client_->watch(
        resources::kIpnsRepublish, ns_, options,
        [&](const WatchEvent& e) {
          if (e.type == "BOOKMARK") return true;
          events.push_back(e.type + " " + e.object["metadata"]["name"].get<std::string>());
          return events.size() < 3;
        },
        &cancel);
    EXPECT_TRUE(status.ok()) << status.error().message;
  });
  ASSERT_TRUE(client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "w2")).ok());
  ASSERT_TRUE(client_
                  ->patch(resources::kIpnsRepublish, ns_, "w1", PatchType::merge,
                          json{{"spec", {{"suspend", true}}}})
                  .ok());
  ASSERT_TRUE(client_->remove(resources::kIpnsRepublish, ns_, "w2").ok());
  watcher.join();
  EXPECT_EQ(events, (std::vector<std::string>{"ADDED w2", "MODIFIED w1", "DELETED w2"}));
}

TEST_F(ApiTest, ConflictingStatusPatchesAreDetectedAndRetried) {
  auto created = client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "c1"));
  ASSERT_TRUE(created.ok());
  std::string rv = (*created)["metadata"]["resourceVersion"];
  auto first = client_->patch_status(resources::kIpnsRepublish, ns_, "c1", rv, {{"sequence", "1"}});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto stale = client_->patch_status(resources::kIpnsRepublish, ns_, "c1", rv, {{"sequence", "9"}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "CONFLICT");

  // Two writers each add 1 to status.sequence ten times; every conflict re-reads and retries, so
  // no increment is lost.
  auto increment = [&](KubeClient& writer) {
    return retry_on_conflict(100, [&]() -> Result<json> {
      auto current = writer.get(resources::kIpnsRepublish, ns_, "c1");
      if (!current) return current.error();
      long seq = std::stol((*current)["status"].value("sequence", "0"));
      return writer.patch_status(resources::kIpnsRepublish, ns_, "c1",
                                 (*current)["metadata"]["resourceVersion"].get<std::string>(),
                                 {{"sequence", std::to_string(seq + 1)}});
    });
  };
  auto second_writer = admin_client();
  std::atomic<int> failures{0};
  auto run = [&](KubeClient& writer) {
    for (int i = 0; i < 10; ++i) {
      if (!increment(writer).ok()) ++failures;
    }
  };
  std::thread a([&] { run(*client_); });
  std::thread b([&] { run(*second_writer); });
  a.join();
  b.join();
  EXPECT_EQ(failures, 0);
  auto final_state = client_->get(resources::kIpnsRepublish, ns_, "c1");
  ASSERT_TRUE(final_state.ok());
  EXPECT_EQ((*final_state)["status"]["sequence"], "21");
  EXPECT_EQ((*final_state)["spec"]["cid"], kCid) << "a status patch leaves spec alone";
}

TEST_F(ApiTest, JsonPatchWithATestOperation) {
  auto created = client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "j1"));
  ASSERT_TRUE(created.ok());
  json ops = json::array({{{"op", "test"}, {"path", "/spec/cid"}, {"value", kCid}},
                          {{"op", "replace"}, {"path", "/spec/suspend"}, {"value", true}}});
  auto patched = client_->patch(resources::kIpnsRepublish, ns_, "j1", PatchType::json_patch, ops);
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  EXPECT_EQ((*patched)["spec"]["suspend"], true);
  ops[0]["value"] = "bafy-something-else";
  auto failed = client_->patch(resources::kIpnsRepublish, ns_, "j1", PatchType::json_patch, ops);
  ASSERT_FALSE(failed.ok());
}

TEST_F(ApiTest, RecordsEventsAboutObjects) {
  auto created = client_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "e1"));
  ASSERT_TRUE(created.ok());
  EventRecorder recorder(*client_, "cipherbox.io/republish", "it-test");
  auto event =
      recorder.record(*created, EventType::normal, "Published", "Publish", "published sequence 1");
  ASSERT_TRUE(event.ok()) << event.error().message;
  auto listed = client_->list(resources::kEvent, ns_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0]["regarding"]["name"], "e1");
  EXPECT_EQ(listed->items[0]["reason"], "Published");
}

TEST_F(ApiTest, CreatesAndConditionallyUpdatesLeases) {
  LeaseRecord record;
  record.holder = "a";
  record.lease_duration_seconds = 15;
  record.renew_time = system_clock().wall_now();
  auto created = create_lease(*client_, ns_, "l1", record);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto again = create_lease(*client_, ns_, "l1", record);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "ALREADY_EXISTS");
  LeaseRecord next = *created;
  next.holder = "b";
  auto updated = update_lease(*client_, ns_, "l1", next);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  auto stale = update_lease(*client_, ns_, "l1", next);  // still carries the old resourceVersion
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "CONFLICT");
  auto read = get_lease(*client_, ns_, "l1");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->holder, "b");
  auto none = get_lease(*client_, ns_, "l-missing");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(ClientCertificates, WorkFromFilesAsWellAsEmbeddedData) {
  std::string pki = state_dir() + "/pki";
  std::string kubeconfig = ::testing::TempDir() + "/files.kubeconfig";
  std::string server = sh("kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}'");
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                            << "clusters:\n- name: k\n  cluster:\n    server: " << server
                            << "\n    certificate-authority: " << pki << "/ca.crt\n"
                            << "users:\n- name: u\n  user:\n    client-certificate: " << pki
                            << "/admin.crt\n    client-key: " << pki << "/admin.key\n"
                            << "contexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n";
  auto from_files = client_from(kubeconfig);
  ASSERT_TRUE(from_files);
  auto ns = from_files->get(resources::kNamespace, "", "default");
  ASSERT_TRUE(ns.ok()) << ns.error().message;
  auto embedded = admin_client();
  ASSERT_TRUE(embedded->get(resources::kNamespace, "", "kube-system").ok());

  // Without a client certificate the same server refuses us (anonymous).
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                            << "clusters:\n- name: k\n  cluster:\n    server: " << server
                            << "\n    certificate-authority: " << pki << "/ca.crt\n"
                            << "contexts:\n- name: c\n  context:\n    cluster: k\n";
  auto anonymous = client_from(kubeconfig);
  ASSERT_TRUE(anonymous);
  auto refused = anonymous->get(resources::kNamespace, "", "default");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().code == "FORBIDDEN" || refused.error().code == "UNAUTHORIZED")
      << refused.error().code;
}

}  // namespace
}  // namespace cbx::kube::it
