// The operator's ServiceAccount, bound to config/rbac/, authenticates with a bound token
// (TokenRequest via hack/local-cp.sh token) and can do exactly what the operator needs.
#include <gtest/gtest.h>

#include "kube/events.h"
#include "kube/lease.h"
#include "support.h"

namespace cbx::kube::it {
namespace {

constexpr const char* kOperatorNs = "cipherbox-system";

json secret(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"namespace", kOperatorNs}}},
          {"stringData", {{"token", "not-a-real-token"}}}};
}

json tee_epoch(const std::string& name, int epoch) {
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "TeeEpoch"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"epoch", epoch},
            {"signer",
             {{"url", "https://signer.example:8443"},
              {"composeHash", std::string(64, 'a')}}}}}};  // required unless insecureSimulator
}

json key_ledger(const std::string& ns) {
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "KeyLedger"},
          {"metadata", {{"name", kIpnsName}, {"namespace", ns}}},
          {"spec", {{"ipnsName", kIpnsName}, {"folders", {"team-a/photos"}}}}};
}

void expect_forbidden(const Error& e, const char* what) {
  EXPECT_EQ(e.code, "FORBIDDEN") << what << ": " << e.message;
}

class RbacTest : public ::testing::Test {
 protected:
  void SetUp() override {
    install_crds();
    sh("kubectl create namespace cipherbox-system --dry-run=client -o yaml | kubectl apply -f - "
       ">/dev/null;"
       "kubectl apply -f " CBX_SOURCE_DIR "/config/rbac/ >/dev/null");
    out_ = ::testing::TempDir() + "/operator-" + unique_suffix() + ".kubeconfig";
    const std::string& out = out_;
    sh(CBX_SOURCE_DIR "/hack/local-cp.sh token '" + state_dir() +
       "' cipherbox-system cipherbox-republish '" + out + "' >/dev/null");
    admin_ = admin_client();
    KubeClientOptions options;
    options.qps = 0;
    op_ = client_from(out, options);
    ASSERT_TRUE(admin_ && op_);
    ASSERT_EQ(op_->default_namespace(), kOperatorNs) << "from the token kubeconfig's context";
    ns_ = make_namespace(*admin_, "rbac");
    auto created = admin_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "f1"));
    ASSERT_TRUE(created.ok()) << created.error().message;
    for (const char* name : {"cipherbox-signer-token", "unrelated"}) {
      auto s = admin_->create(resources::kSecret, kOperatorNs, secret(name));
      ASSERT_TRUE(s.ok() || s.error().code == "ALREADY_EXISTS") << s.error().message;
    }
  }
  std::unique_ptr<KubeClient> admin_;
  std::unique_ptr<KubeClient> op_;
  std::string ns_;
  std::string out_;  // the operator's token kubeconfig
};

TEST_F(RbacTest, TheOperatorTokenCanDoWhatTheOperatorNeeds) {
  auto listed = op_->list(resources::kIpnsRepublish, "");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_FALSE(listed->items.empty());
  WatchOptions watch;
  watch.resource_version = listed->resource_version;
  watch.timeout_seconds = 1;
  auto watched =
      op_->watch(resources::kIpnsRepublish, "", watch, [](const WatchEvent&) { return true; });
  EXPECT_TRUE(watched.ok()) << watched.error().message;
  auto object = op_->get(resources::kIpnsRepublish, ns_, "f1");
  ASSERT_TRUE(object.ok()) << object.error().message;
  auto status = op_->patch_status(resources::kIpnsRepublish, ns_, "f1",
                                  (*object)["metadata"]["resourceVersion"].get<std::string>(),
                                  {{"sequence", "1"}});
  EXPECT_TRUE(status.ok()) << status.error().message;

  std::string epoch_name = "rbac-epoch-" + unique_suffix();
  auto epoch = op_->create(resources::kTeeEpoch, "", tee_epoch(epoch_name, 1));
  ASSERT_TRUE(epoch.ok()) << epoch.error().message;
  EXPECT_TRUE(op_->list(resources::kTeeEpoch, "").ok());
  EXPECT_TRUE(op_->patch_status(resources::kTeeEpoch, "", epoch_name,
                                (*epoch)["metadata"]["resourceVersion"].get<std::string>(),
                                {{"phase", "Pending"}})
                  .ok());

  EventRecorder recorder(*op_, "cipherbox.io/republish", "rbac-test");
  auto event = recorder.record(*object, EventType::normal, "Published", "Publish", "ok");
  EXPECT_TRUE(event.ok()) << event.error().message;

  // Lease: whoever held it before (another test run), take it over with a conditional update.
  auto lease = get_lease(*op_, kOperatorNs, "cipherbox-republish");
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  LeaseRecord record = lease->value_or(LeaseRecord{});
  record.holder = "rbac-test";
  record.lease_duration_seconds = 15;
  record.renew_time = system_clock().wall_now();
  auto written = lease->has_value()
                     ? update_lease(*op_, kOperatorNs, "cipherbox-republish", record)
                     : create_lease(*op_, kOperatorNs, "cipherbox-republish", record);
  ASSERT_TRUE(written.ok()) << written.error().message;
  record = *written;
  record.holder.clear();
  EXPECT_TRUE(update_lease(*op_, kOperatorNs, "cipherbox-republish", record).ok());

  EXPECT_TRUE(op_->get(resources::kSecret, kOperatorNs, "cipherbox-signer-token").ok());

  // The key ledger (issue 14), in its own namespace: the whole life cycle.
  (void)admin_->remove(resources::kKeyLedger, kOperatorNs, kIpnsName);
  auto ledger = op_->create(resources::kKeyLedger, kOperatorNs, key_ledger(kOperatorNs));
  ASSERT_TRUE(ledger.ok()) << ledger.error().message;
  EXPECT_TRUE(op_->list(resources::kKeyLedger, kOperatorNs).ok());
  (*ledger)["spec"]["deletedAt"] = "2026-12-01T00:00:00Z";
  auto updated = op_->update(resources::kKeyLedger, kOperatorNs, kIpnsName, *ledger);
  EXPECT_TRUE(updated.ok()) << updated.error().message;
  auto removed = op_->remove(resources::kKeyLedger, kOperatorNs, kIpnsName);
  EXPECT_TRUE(removed.ok()) << removed.error().message;
}

TEST_F(RbacTest, TheOperatorTokenIsRefusedEverythingElse) {
  auto list_secrets = op_->list(resources::kSecret, kOperatorNs);
  ASSERT_FALSE(list_secrets.ok());
  expect_forbidden(list_secrets.error(), "list secrets");
  auto other_secret = op_->get(resources::kSecret, kOperatorNs, "unrelated");
  ASSERT_FALSE(other_secret.ok());
  expect_forbidden(other_secret.error(), "get another secret");
  auto remove = op_->remove(resources::kIpnsRepublish, ns_, "f1");
  ASSERT_FALSE(remove.ok());
  expect_forbidden(remove.error(), "delete an IpnsRepublish");
  auto spec = op_->patch(resources::kIpnsRepublish, ns_, "f1", PatchType::merge,
                         {{"spec", {{"suspend", true}}}});
  ASSERT_FALSE(spec.ok());
  expect_forbidden(spec.error(), "patch spec");
  auto create = op_->create(resources::kIpnsRepublish, ns_, ipns_republish(ns_, "f2"));
  ASSERT_FALSE(create.ok());
  expect_forbidden(create.error(), "create an IpnsRepublish");
  auto other_lease = get_lease(*op_, kOperatorNs, "someone-else");
  ASSERT_FALSE(other_lease.ok());
  expect_forbidden(other_lease.error(), "get another Lease");
  LeaseRecord record;
  record.holder = "x";
  auto foreign = create_lease(*op_, ns_, "cipherbox-republish", record);
  ASSERT_FALSE(foreign.ok());
  expect_forbidden(foreign.error(), "create a Lease in another namespace");
  auto namespaces = op_->list(resources::kNamespace, "");
  ASSERT_FALSE(namespaces.ok());
  expect_forbidden(namespaces.error(), "list namespaces");
  // Ledgers exist only in the operator's namespace: none elsewhere, none across namespaces.
  auto foreign_ledger = op_->create(resources::kKeyLedger, ns_, key_ledger(ns_));
  ASSERT_FALSE(foreign_ledger.ok());
  expect_forbidden(foreign_ledger.error(), "create a KeyLedger in a tenant namespace");
  auto all_ledgers = op_->list(resources::kKeyLedger, "");
  ASSERT_FALSE(all_ledgers.ok());
  expect_forbidden(all_ledgers.error(), "list KeyLedgers in all namespaces");
  auto config_maps = op_->list(resources::kConfigMap, ns_);
  ASSERT_FALSE(config_maps.ok());
  expect_forbidden(config_maps.error(), "list configmaps");
}

TEST_F(RbacTest, InClusterConfigUsesTheMountedTokenCaAndNamespace) {
  // What a pod sees: KUBERNETES_SERVICE_HOST/PORT and the ServiceAccount mount.
  std::string mount = ::testing::TempDir() + "/sa-" + unique_suffix();
  sh("mkdir -p '" + mount + "' && cp '" + state_dir() + "/ca.crt' '" + mount + "/ca.crt' && " +
     "printf cipherbox-system > '" + mount + "/namespace' && " + "kubectl --kubeconfig '" + out_ +
     "' config view --raw -o jsonpath='{.users[0].user.token}' > '" + mount + "/token'");
  std::string server = sh("kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}'");
  std::string port = server.substr(server.rfind(':') + 1);
  auto env = [&](const char* name) -> std::optional<std::string> {
    if (std::string(name) == "KUBERNETES_SERVICE_HOST") return "127.0.0.1";
    if (std::string(name) == "KUBERNETES_SERVICE_PORT") return port;
    return std::nullopt;
  };
  auto config = load_in_cluster(env, mount);
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto client = KubeClient::from_config(std::move(config.value()));
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_EQ((*client)->default_namespace(), kOperatorNs);
  auto listed = (*client)->list(resources::kIpnsRepublish, "");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  auto secrets = (*client)->list(resources::kSecret, kOperatorNs);
  ASSERT_FALSE(secrets.ok());
  expect_forbidden(secrets.error(), "list secrets in-cluster");
}

}  // namespace
}  // namespace cbx::kube::it
