// Manager without leader election: workers reconcile queued keys, the probe server answers, and
// stop() ends run() cleanly.
#include "kube/manager.h"

#include <gtest/gtest.h>

#include <thread>

#include "cbx/http/beast_client.h"
#include "fakes.h"

namespace cbx::kube {
namespace {

using namespace std::chrono_literals;

std::string get(std::uint16_t port, const std::string& path, int* status) {
  auto client = http::make_beast_client({});
  http::Request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + path;
  auto res = client.value()->request(req);
  if (!res) return "";
  *status = res->status;
  return res->body;
}

TEST(Manager, RunsWorkersServesProbesAndStops) {
  KubeClientOptions client_options;
  client_options.qps = 0;
  KubeClient client(std::make_unique<testing::ScriptedTransport>(), "https://api", TokenSource(),
                    "op", client_options);
  ManagerOptions options;
  options.leader_elect = false;
  options.probe_address = "127.0.0.1:0";
  Manager manager(client, options);
  std::atomic<int> reconciles{0};
  auto& controller =
      manager.add_controller("demo", [&](const std::string&) -> Result<ReconcileOutcome> {
        ++reconciles;
        return ReconcileOutcome{};
      });
  controller.queue().add("ns/a");
  controller.queue().add("ns/b");
  std::atomic<int> code{-1};
  std::thread runner([&] { code = manager.run(); });
  ASSERT_TRUE(manager.wait_until_serving(10s));
  for (int i = 0; i < 500 && reconciles < 2; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(reconciles, 2);

  int status = 0;
  EXPECT_EQ(get(manager.probe_port(), "/healthz", &status), "ok\n");
  EXPECT_EQ(status, 200);
  get(manager.probe_port(), "/readyz", &status);
  EXPECT_EQ(status, 200) << "no informers: nothing to sync";
  std::string metrics = get(manager.probe_port(), "/metrics", &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(metrics.find("cipherbox_reconcile_total{controller=\"demo\",result=\"success\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("cipherbox_workqueue_depth{name=\"demo\"} 0"), std::string::npos);
  get(manager.probe_port(), "/nope", &status);
  EXPECT_EQ(status, 404);

  manager.stop();
  runner.join();
  EXPECT_EQ(code, 0);
}

TEST(Manager, ReadyzIsUnavailableUntilInformersSync) {
  KubeClientOptions client_options;
  client_options.qps = 0;
  auto transport = std::make_unique<testing::ScriptedTransport>();
  KubeClient client(std::move(transport), "https://api", TokenSource(), "op", client_options);
  ManagerOptions options;
  options.leader_elect = false;
  options.probe_address = "127.0.0.1:0";
  Manager manager(client, options);
  InformerOptions informer_options;
  informer_options.min_backoff = 50ms;
  manager.add_informer(resources::kIpnsRepublish, informer_options);  // its lists all fail
  std::thread runner([&] { manager.run(); });
  ASSERT_TRUE(manager.wait_until_serving(10s));
  int status = 0;
  get(manager.probe_port(), "/readyz", &status);
  EXPECT_EQ(status, 503);
  EXPECT_FALSE(manager.ready());
  manager.stop();
  runner.join();
}

}  // namespace
}  // namespace cbx::kube
