// Two operator processes (cbx_kube_leader_probe) elect one leader on a real Lease; the follower
// keeps its cache warm and reconciles nothing; after SIGKILL of the leader the follower takes
// over within the lease duration; SIGTERM releases the Lease.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <regex>

#include "kube/lease.h"
#include "support.h"

namespace cbx::kube::it {
namespace {

using namespace std::chrono_literals;

constexpr auto kLease = 6s;
constexpr auto kRenew = 4s;
constexpr auto kRetry = 1s;

// A child process with its stdout collected line by line.
class Probe {
 public:
  Probe(const std::string& ns, const std::string& identity) : identity_(identity) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::string lease_ms = std::to_string(std::chrono::milliseconds(kLease).count());
      std::string renew_ms = std::to_string(std::chrono::milliseconds(kRenew).count());
      std::string retry_ms = std::to_string(std::chrono::milliseconds(kRetry).count());
      std::string kubeconfig = kubeconfig_path();
      execl(CBX_LEADER_PROBE, CBX_LEADER_PROBE, kubeconfig.c_str(), ns.c_str(), identity.c_str(),
            lease_ms.c_str(), renew_ms.c_str(), retry_ms.c_str(), nullptr);
      _exit(127);
    }
    close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] {
      char buf[512];
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) {
        std::lock_guard lock(mutex_);
        output_.append(buf, static_cast<std::size_t>(n));
      }
      close(fd);
    });
  }
  ~Probe() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      wait_exit();
    }
    if (reader_.joinable()) reader_.join();
  }

  std::string output() {
    std::lock_guard lock(mutex_);
    return output_;
  }
  int port() {
    std::smatch m;
    std::string out = output();
    if (std::regex_search(out, m, std::regex("PORT (\\d+)"))) return std::stoi(m[1]);
    return 0;
  }
  void signal(int sig) { kill(pid_, sig); }
  int wait_exit() {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  const std::string& identity() const { return identity_; }

 private:
  std::string identity_;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::thread reader_;
  std::mutex mutex_;
  std::string output_;
};

std::string http_get(int port, const std::string& path, int* status = nullptr) {
  auto client = http::make_beast_client({});
  http::Request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + path;
  auto res = client.value()->request(req);
  if (!res) return "";
  if (status) *status = res->status;
  return res->body;
}

// Value of a Prometheus sample line starting with `prefix` (0 when absent).
double metric(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

std::string holder(KubeClient& client, const std::string& ns) {
  auto lease = get_lease(client, ns, "cipherbox-republish");
  if (!lease || !lease->has_value()) return "<none>";
  return (*lease)->holder;
}

TEST(LeaderElection, OneLeaderAndTheFollowerTakesOverAfterSigkill) {
  install_crds();
  auto client = admin_client();
  std::string ns = make_namespace(*client, "leader");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        client->create(resources::kIpnsRepublish, ns, ipns_republish(ns, "f" + std::to_string(i)))
            .ok());
  }
  auto first = std::make_unique<Probe>(ns, "probe-a");
  ASSERT_TRUE(eventually(30s, [&] { return holder(*client, ns) == "probe-a"; }));
  Probe second(ns, "probe-b");
  ASSERT_TRUE(eventually(30s, [&] { return first->port() && second.port(); }));

  // The follower's cache is warm (ready) but it does nothing; the leader reconciled everything.
  ASSERT_TRUE(eventually(30s, [&] {
    return metric(http_get(first->port(), "/metrics"), "cipherbox_reconcile_total") >= 3;
  }));
  int ready_status = 0;
  ASSERT_TRUE(eventually(30s, [&] {
    http_get(second.port(), "/readyz", &ready_status);
    return ready_status == 200;
  }));
  std::this_thread::sleep_for(kLease);  // several renewals: the leader must keep the Lease
  EXPECT_EQ(holder(*client, ns), "probe-a");
  std::string follower_metrics = http_get(second.port(), "/metrics");
  EXPECT_EQ(metric(follower_metrics, "cipherbox_leader"), 0);
  EXPECT_EQ(metric(follower_metrics, "cipherbox_reconcile_total"), 0) << follower_metrics;
  EXPECT_GT(
      metric(follower_metrics, "cipherbox_kube_api_requests_total{code=\"200\",verb=\"GET\"}"), 0)
      << "the follower polls the Lease";
  EXPECT_EQ(metric(http_get(first->port(), "/metrics"), "cipherbox_leader"), 1);
  EXPECT_NE(first->output().find("LEADING"), std::string::npos);
  EXPECT_EQ(second.output().find("LEADING"), std::string::npos);

  auto killed_at = std::chrono::steady_clock::now();
  first->signal(SIGKILL);
  EXPECT_EQ(first->wait_exit(), 128 + SIGKILL);
  ASSERT_TRUE(eventually(30s, [&] { return holder(*client, ns) == "probe-b"; }));
  auto takeover = std::chrono::steady_clock::now() - killed_at;
  std::printf("takeover after SIGKILL: %lld ms (lease %lld ms)\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(takeover).count()),
              static_cast<long long>(std::chrono::milliseconds(kLease).count()));
  // The Lease expires lease_duration after the follower last saw it renewed; the follower notices
  // on its next retry.
  EXPECT_LE(takeover, kLease + kRetry + 1s)
      << std::chrono::duration_cast<std::chrono::milliseconds>(takeover).count() << " ms";
  ASSERT_TRUE(eventually(30s, [&] {
    return metric(http_get(second.port(), "/metrics"), "cipherbox_reconcile_total") >= 3;
  }));
  EXPECT_NE(second.output().find("LEADING"), std::string::npos);

  // Graceful shutdown releases the Lease at once, so a successor need not wait for expiry.
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait_exit(), 0);
  EXPECT_EQ(holder(*client, ns), "");
  Probe third(ns, "probe-c");
  ASSERT_TRUE(eventually(kLease, [&] { return holder(*client, ns) == "probe-c"; }))
      << "a released Lease is taken without waiting for it to expire";
}

}  // namespace
}  // namespace cbx::kube::it
