// /readyz never waits on the guest agent: with an agent whose Info hangs, parallel unauthenticated
// readiness probes are all answered (503 NOT_READY) and the other endpoints stay served; once the
// agent answers, /readyz turns 200. The signer runs in-process over real HTTP on loopback with the
// dstack provider against the guest-agent stand-in on a Unix socket.
#include <unistd.h>

#include <future>
#include <thread>
#include <vector>

#include "fake_guest_agent.h"
#include "signer/dstack_key_provider.h"
#include "signer_test_support.h"

namespace cbx::signer::test {
namespace {

using namespace std::chrono_literals;

class ReadinessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agent_.hold_info_until(release_.get_future().share());
    agent_server_ =
        std::make_unique<http::Server>([this](const http::Request& r) { return agent_.handle(r); });
    socket_ = ::testing::TempDir() + "cbx-readiness-" + std::to_string(::getpid()) + ".sock";
    ASSERT_TRUE(agent_server_->listen_unix(socket_));
    agent_server_->start();
    provider_ = std::make_unique<DstackKeyProvider>(socket_);
    SignerConfig config;
    config.token = SecretBytes(reinterpret_cast<const std::uint8_t*>(kToken), std::strlen(kToken));
    service_ = std::make_unique<SignerService>(*provider_, std::move(config), metrics_);
    http::ServerOptions options;
    options.threads = 2;
    server_ = std::make_unique<http::Server>(
        [this](const http::Request& r) { return service_->handle(r); }, options);
    port_ = server_->listen_tcp("127.0.0.1", 0).value();
    server_->start();
  }
  void TearDown() override {
    release();  // lets the old code's blocked probes (and the background check) finish
    server_->shutdown();
    service_.reset();
    agent_server_->shutdown();
  }
  void release() {
    if (!released_) release_.set_value();
    released_ = true;
  }

  FakeGuestAgent agent_{unhex(kSimulatorSeedHex)};
  std::promise<void> release_;
  bool released_ = false;
  std::unique_ptr<http::Server> agent_server_;
  std::string socket_;
  std::unique_ptr<DstackKeyProvider> provider_;
  NullMetrics metrics_;
  std::unique_ptr<SignerService> service_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};

TEST_F(ReadinessTest, ParallelProbesAreAnsweredWhileTheGuestAgentHangs) {
  constexpr int kProbes = 16;
  std::vector<std::future<std::optional<HttpReply>>> probes;
  for (int i = 0; i < kProbes; ++i) {
    probes.push_back(
        std::async(std::launch::async, [this] { return get_within(port_, "/readyz", 5s); }));
  }
  auto health = get_within(port_, "/healthz", 5s);
  int answered = 0;
  for (auto& p : probes) {
    auto reply = p.get();
    if (!reply) continue;
    ++answered;
    EXPECT_EQ(reply->status, 503u) << reply->raw;
    EXPECT_EQ(reply->body["error"]["code"], "NOT_READY") << reply->raw;
  }
  EXPECT_EQ(answered, kProbes);
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200u);

  release();
  bool ready = false;
  for (int i = 0; i < 150 && !ready; ++i) {
    auto reply = get_within(port_, "/readyz", 5s);
    ready = reply && reply->status == 200;
    if (!ready) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(ready) << "/readyz never turned 200 once the agent answered";
}

}  // namespace
}  // namespace cbx::signer::test
